-- gridmap's embedded store: the same four layers as the PostGIS schema, with geometry kept as
-- little-endian WKB in BLOB columns (EPSG:4326, x = longitude). There is no spatial index here on
-- purpose: spatial queries are answered by the in-memory R-trees, the store only persists.

-- Governance areas of every level (county, township, community, grid, red_yard).
CREATE TABLE areas (
    code         TEXT PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,              -- UUID, stable across updates
    name         TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('county', 'township', 'community', 'grid', 'red_yard')),
    -- Deferred so a file may list children before their parents.
    parent_code  TEXT REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    leader_name  TEXT,
    leader_phone TEXT,
    properties   TEXT NOT NULL DEFAULT '{}',        -- JSON object of properties without a column
    geom         BLOB NOT NULL,                     -- WKB MultiPolygon
    version      INTEGER NOT NULL DEFAULT 1,        -- grows by one per committed change (ETag)
    updated_at   TEXT NOT NULL
);
CREATE INDEX areas_parent_code ON areas (parent_code);

CREATE TABLE buildings (
    code       TEXT PRIMARY KEY,
    address    TEXT,
    floors     INTEGER,
    properties TEXT NOT NULL DEFAULT '{}',
    geom       BLOB NOT NULL,                       -- WKB Point, Polygon or MultiPolygon
    updated_at TEXT NOT NULL
);

CREATE TABLE households (
    code             TEXT PRIMARY KEY,
    head_name        TEXT,
    phone            TEXT,
    members          INTEGER,
    address          TEXT,
    building_code    TEXT REFERENCES buildings (code) DEFERRABLE INITIALLY DEFERRED,
    party_member     INTEGER NOT NULL DEFAULT 0 CHECK (party_member IN (0, 1)),
    center_household INTEGER NOT NULL DEFAULT 0 CHECK (center_household IN (0, 1)),
    -- The center household (党员中心户) that looks after this one; may come later in the same file.
    center_code      TEXT REFERENCES households (code) DEFERRABLE INITIALLY DEFERRED,
    properties       TEXT NOT NULL DEFAULT '{}',
    geom             BLOB NOT NULL,                 -- WKB Point
    updated_at       TEXT NOT NULL
);
CREATE INDEX households_building_code ON households (building_code);
CREATE INDEX households_center_code ON households (center_code);

CREATE TABLE stations (
    code       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT,
    tier       TEXT CHECK (tier IS NULL OR tier IN ('city', 'county', 'township', 'village')),
    phone      TEXT,
    open_hours TEXT,
    services   TEXT NOT NULL DEFAULT '[]',          -- JSON array of strings
    properties TEXT NOT NULL DEFAULT '{}',
    geom       BLOB NOT NULL,                       -- WKB Point
    updated_at TEXT NOT NULL
);
CREATE INDEX stations_kind ON stations (kind);

-- One counter per layer, bumped in the same transaction as every write to that layer, so a running
-- server notices writes made by another process (`gridmap import`) and refreshes its index.
CREATE TABLE layer_revisions (
    layer    TEXT PRIMARY KEY CHECK (layer IN ('areas', 'buildings', 'households', 'stations')),
    revision INTEGER NOT NULL
);
INSERT INTO layer_revisions (layer, revision)
VALUES ('areas', 0), ('buildings', 0), ('households', 0), ('stations', 0);
