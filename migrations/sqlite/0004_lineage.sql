-- Split and merge retire areas and create others in their place. A retired area leaves `areas`
-- (its states stay in area_history, so its code is never issued again); this table says which
-- areas came from which, and in which change.
CREATE TABLE area_lineage (
    predecessor TEXT NOT NULL,
    successor   TEXT NOT NULL,
    change_id   TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (predecessor, successor, change_id)
);
CREATE INDEX area_lineage_successor ON area_lineage (successor);
