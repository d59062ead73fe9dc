-- The planner's desk: who made each area's current state and why, every state an area has had
-- (history, written by a trigger so no writer can skip it), and planners' proposals.

-- Set by every writer along with the change: `import` for imports, the account for commits.
ALTER TABLE areas ADD COLUMN changed_by text NOT NULL DEFAULT 'import';
ALTER TABLE areas ADD COLUMN change_reason text;
-- Groups the areas one commit (or one import) changed together, so they can be restored together.
ALTER TABLE areas ADD COLUMN change_id uuid;

CREATE TABLE area_history (
    code          text COLLATE "C" NOT NULL,
    version       bigint NOT NULL,
    id            uuid NOT NULL,
    name          text NOT NULL,
    level         text NOT NULL,
    parent_code   text COLLATE "C",
    leader_name   text,
    leader_phone  text,
    properties    jsonb NOT NULL,
    geom          geometry(MultiPolygon, 4326) NOT NULL,
    changed_by    text NOT NULL,
    change_reason text,
    change_id     uuid,
    changed_at    timestamptz NOT NULL,
    PRIMARY KEY (code, version)
);
CREATE INDEX area_history_change_id ON area_history (change_id);

INSERT INTO area_history (code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
                          geom, changed_by, change_reason, change_id, changed_at)
SELECT code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
       geom, changed_by, change_reason, change_id, updated_at
FROM areas;

CREATE FUNCTION areas_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO area_history (code, version, id, name, level, parent_code, leader_name, leader_phone, properties,
                              geom, changed_by, change_reason, change_id, changed_at)
    VALUES (NEW.code, NEW.version, NEW.id, NEW.name, NEW.level, NEW.parent_code, NEW.leader_name, NEW.leader_phone,
            NEW.properties, NEW.geom, NEW.changed_by, NEW.change_reason, NEW.change_id, NEW.updated_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER areas_history AFTER INSERT OR UPDATE ON areas
FOR EACH ROW EXECUTE FUNCTION areas_keep_history();

-- A proposed redraw of one or more sibling areas; its impact is computed when it is read, against
-- the data of the moment.
CREATE TABLE proposals (
    id          uuid PRIMARY KEY,
    parent_code text COLLATE "C" NOT NULL,          -- the area whose children are redrawn
    title       text,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    areas       jsonb NOT NULL CHECK (jsonb_typeof(areas) = 'array'), -- [{code, version, geometry (GeoJSON)}]
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'committed', 'withdrawn')),
    change_id   uuid                                -- the commit that carried it out
);
CREATE INDEX proposals_parent_code ON proposals (parent_code, created_at);
