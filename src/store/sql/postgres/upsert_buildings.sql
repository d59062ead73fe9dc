-- Inserts or updates one chunk of buildings, given as parallel arrays with one element per building
-- (codes unique within the chunk). Answers how many of the rows were new.
WITH input AS (
    SELECT *
    FROM UNNEST($1::text[], $2::text[], $3::int4[], $4::text[], $5::bytea[])
         AS t (code, address, floors, properties, wkb)
), written AS (
    INSERT INTO buildings (code, address, floors, properties, geom, updated_at)
    SELECT code, address, floors, properties::jsonb, ST_GeomFromWKB(wkb, 4326), now()
    FROM input
    ON CONFLICT (code) DO UPDATE SET
        address = excluded.address, floors = excluded.floors, properties = excluded.properties,
        geom = excluded.geom, updated_at = excluded.updated_at
    -- xmax is 0 exactly for rows this statement inserted (an update leaves its lock there).
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) FROM written
