-- The paths layer: roads, streets and footpaths (OSM-style `highway` lines) that walking distances
-- are measured along. The server builds its walking graph in memory; the table is here so the
-- network is stored with the rest and a planner can open it in QGIS (or route on it with pgRouting).
CREATE TABLE paths (
    code       text COLLATE "C" PRIMARY KEY,        -- given, or `path-` + a hash of the geometry
    name       text,
    highway    text,                                -- OSM's highway value, kept for display
    properties jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    geom       geometry(MultiLineString, 4326) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX paths_geom ON paths USING gist (geom);

-- A revision counter for the new layer.
ALTER TABLE layer_revisions DROP CONSTRAINT layer_revisions_layer_check;
ALTER TABLE layer_revisions ADD CONSTRAINT layer_revisions_layer_check
    CHECK (layer IN ('areas', 'buildings', 'households', 'stations', 'paths'));
INSERT INTO layer_revisions (layer, revision) VALUES ('paths', 0);
