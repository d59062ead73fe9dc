-- Inserts or updates one chunk of stations, given as parallel arrays with one element per station
-- (codes unique within the chunk). Answers how many of the rows were new.
WITH input AS (
    SELECT *
    FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::bytea[])
         AS t (code, kind, name, tier, phone, open_hours, services, properties, wkb)
), written AS (
    INSERT INTO stations (code, kind, name, tier, phone, open_hours, services, properties, geom, updated_at)
    SELECT code, kind, name, tier, phone, open_hours, services::jsonb, properties::jsonb,
           ST_GeomFromWKB(wkb, 4326), now()
    FROM input
    ON CONFLICT (code) DO UPDATE SET
        kind = excluded.kind, name = excluded.name, tier = excluded.tier, phone = excluded.phone,
        open_hours = excluded.open_hours, services = excluded.services,
        properties = excluded.properties, geom = excluded.geom, updated_at = excluded.updated_at
    -- xmax is 0 exactly for rows this statement inserted (an update leaves its lock there).
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) FROM written
