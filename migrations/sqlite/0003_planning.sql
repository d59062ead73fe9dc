-- The planner's desk: who made each area's current state and why, every state an area has had
-- (history, written by triggers so no writer can skip it), and planners' proposals.

-- Set by every writer along with the change: `import` for imports, the account for commits.
ALTER TABLE areas ADD COLUMN changed_by TEXT NOT NULL DEFAULT 'import';
ALTER TABLE areas ADD COLUMN change_reason TEXT;
-- Groups the areas one commit (or one import) changed together, so they can be restored together.
ALTER TABLE areas ADD COLUMN change_id TEXT;

CREATE TABLE area_history (
    code          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    level         TEXT NOT NULL,
    parent_code   TEXT,
    leader_name   TEXT,
    leader_phone  TEXT,
    properties    TEXT NOT NULL,
    geom          BLOB NOT NULL,                    -- WKB MultiPolygon, as in areas
    changed_by    TEXT NOT NULL,
    change_reason TEXT,
    change_id     TEXT,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX area_history_change_id ON area_history (change_id);

INSERT INTO area_history (code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
                          geom, changed_by, change_reason, change_id, changed_at)
SELECT code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
       geom, changed_by, change_reason, change_id, updated_at
FROM areas;

CREATE TRIGGER areas_history_insert AFTER INSERT ON areas BEGIN
    INSERT INTO area_history (code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
                              geom, changed_by, change_reason, change_id, changed_at)
    VALUES (NEW.code, NEW.version, NEW.id, NEW.name, NEW.level, NEW.parent_code, NEW.leader_name, NEW.leader_phone,
            NEW.properties, NEW.geom, NEW.changed_by, NEW.change_reason, NEW.change_id, NEW.updated_at);
END;

CREATE TRIGGER areas_history_update AFTER UPDATE ON areas BEGIN
    INSERT INTO area_history (code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
                              geom, changed_by, change_reason, change_id, changed_at)
    VALUES (NEW.code, NEW.version, NEW.id, NEW.name, NEW.level, NEW.parent_code, NEW.leader_name, NEW.leader_phone,
            NEW.properties, NEW.geom, NEW.changed_by, NEW.change_reason, NEW.change_id, NEW.updated_at);
END;

-- A proposed redraw of one or more sibling areas; its impact is computed when it is read, against
-- the data of the moment.
CREATE TABLE proposals (
    id          TEXT PRIMARY KEY,                   -- UUID
    parent_code TEXT NOT NULL,                      -- the area whose children are redrawn
    title       TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    areas       TEXT NOT NULL,                      -- JSON array of {code, version, geometry (GeoJSON)}
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'committed', 'withdrawn')),
    change_id   TEXT                                -- the commit that carried it out
);
CREATE INDEX proposals_parent_code ON proposals (parent_code, created_at);
