-- Inserts or updates one chunk of areas, given as parallel arrays with one element per area.
-- Codes are unique within a chunk: the caller keeps the last occurrence of a repeated code, with the
-- id of its first occurrence, and passes in $10 how often the code occurred, so `version` ends where
-- writing every occurrence in turn would have left it. Existing areas keep their id.
-- Answers how many of the rows were new. The history trigger keeps each written state.
WITH input AS (
    SELECT *
    FROM UNNEST($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::bytea[], $10::int8[])
         AS t (code, id, name, level, parent_code, leader_name, leader_phone, properties, wkb, occurrences)
), written AS (
    INSERT INTO areas AS a (code, id, name, level, parent_code, leader_name, leader_phone, properties, geom,
                            version, updated_at)
    SELECT code, id, name, level, parent_code, leader_name, leader_phone, properties::jsonb,
           ST_Multi(ST_GeomFromWKB(wkb, 4326)), occurrences, now()
    FROM input
    ON CONFLICT (code) DO UPDATE SET
        name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
        leader_name = excluded.leader_name, leader_phone = excluded.leader_phone,
        properties = excluded.properties, geom = excluded.geom,
        version = a.version + excluded.version, updated_at = excluded.updated_at,
        -- An import is nobody's commit: history shows it as one, alone.
        changed_by = 'import', change_reason = NULL, change_id = NULL
    -- xmax is 0 exactly for rows this statement inserted (an update leaves its lock there).
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) FROM written
