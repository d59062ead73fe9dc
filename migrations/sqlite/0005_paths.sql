-- The paths layer: roads, streets and footpaths (OSM-style `highway` lines) that walking distances
-- are measured along. Like the other layers, geometry is little-endian WKB (EPSG:4326, x = longitude)
-- and spatial questions are answered by the in-memory index, which builds the walking graph.
CREATE TABLE paths (
    code       TEXT PRIMARY KEY,                    -- given, or `path-` + a hash of the geometry
    name       TEXT,
    highway    TEXT,                                -- OSM's highway value, kept for display
    properties TEXT NOT NULL DEFAULT '{}',
    geom       BLOB NOT NULL,                       -- WKB MultiLineString
    updated_at TEXT NOT NULL
);

-- layer_revisions' CHECK lists the layers, and SQLite cannot change a CHECK in place: the table is
-- rebuilt with the fifth layer (nothing refers to it, so dropping and renaming is safe).
CREATE TABLE layer_revisions_new (
    layer    TEXT PRIMARY KEY CHECK (layer IN ('areas', 'buildings', 'households', 'stations', 'paths')),
    revision INTEGER NOT NULL
);
INSERT INTO layer_revisions_new (layer, revision) SELECT layer, revision FROM layer_revisions;
INSERT INTO layer_revisions_new (layer, revision) VALUES ('paths', 0);
DROP TABLE layer_revisions;
ALTER TABLE layer_revisions_new RENAME TO layer_revisions;
