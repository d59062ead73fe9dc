-- Inserts or updates one chunk of households, given as parallel arrays with one element per household
-- (codes unique within the chunk). Answers how many of the rows were new.
WITH input AS (
    SELECT *
    FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[], $5::text[], $6::text[], $7::bool[],
                $8::bool[], $9::text[], $10::text[], $11::bytea[])
         AS t (code, head_name, phone, members, address, building_code, party_member, center_household,
               center_code, properties, wkb)
), written AS (
    INSERT INTO households (code, head_name, phone, members, address, building_code, party_member,
                            center_household, center_code, properties, geom, updated_at)
    SELECT code, head_name, phone, members, address, building_code, party_member, center_household,
           center_code, properties::jsonb, ST_GeomFromWKB(wkb, 4326), now()
    FROM input
    ON CONFLICT (code) DO UPDATE SET
        head_name = excluded.head_name, phone = excluded.phone, members = excluded.members,
        address = excluded.address, building_code = excluded.building_code,
        party_member = excluded.party_member, center_household = excluded.center_household,
        center_code = excluded.center_code, properties = excluded.properties,
        geom = excluded.geom, updated_at = excluded.updated_at
    -- xmax is 0 exactly for rows this statement inserted (an update leaves its lock there).
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) FROM written
