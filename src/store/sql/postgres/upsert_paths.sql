-- Inserts or updates one chunk of paths, given as parallel arrays with one element per path (codes
-- unique within the chunk). Answers how many of the rows were new.
WITH input AS (
    SELECT *
    FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
         AS t (code, name, highway, properties, wkb)
), written AS (
    INSERT INTO paths (code, name, highway, properties, geom, updated_at)
    SELECT code, name, highway, properties::jsonb, ST_Multi(ST_GeomFromWKB(wkb, 4326)), now()
    FROM input
    ON CONFLICT (code) DO UPDATE SET
        name = excluded.name, highway = excluded.highway, properties = excluded.properties,
        geom = excluded.geom, updated_at = excluded.updated_at
    -- xmax is 0 exactly for rows this statement inserted (an update leaves its lock there).
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) FROM written
