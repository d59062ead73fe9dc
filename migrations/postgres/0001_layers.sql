-- gridmap's PostGIS store: the same four layers as the SQLite schema, with real PostGIS geometry
-- columns (EPSG:4326, x = longitude) so a planner can open the tables in QGIS as they are. The
-- server answers spatial queries from its in-memory R-trees; the GIST indexes serve people and tools
-- that query the database directly.
--
-- Codes are compared byte by byte (COLLATE "C") whatever the cluster's locale, so `ORDER BY code`
-- lists features in the same order as SQLite does and the primary key index can serve it.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Governance areas of every level (county, township, community, grid, red_yard).
CREATE TABLE areas (
    code         text COLLATE "C" PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,              -- stable across updates
    name         text NOT NULL,
    level        text NOT NULL CHECK (level IN ('county', 'township', 'community', 'grid', 'red_yard')),
    -- Deferred so a file may list children before their parents.
    parent_code  text COLLATE "C" REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    leader_name  text,
    leader_phone text,
    properties   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'), -- properties without a column
    -- Always a multipolygon (one part for most areas, several for areas with exclaves).
    geom         geometry(MultiPolygon, 4326) NOT NULL,
    version      bigint NOT NULL DEFAULT 1,         -- grows by one per committed change (ETag)
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX areas_parent_code ON areas (parent_code);
CREATE INDEX areas_geom ON areas USING gist (geom);

CREATE TABLE buildings (
    code       text COLLATE "C" PRIMARY KEY,
    address    text,
    floors     integer,
    properties jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    -- A footprint or, where none was surveyed, a point. One column for all three keeps a building one
    -- row; QGIS offers it as one layer per geometry type. The check is a regular expression, not
    -- `GeometryType(geom) IN (…)`, because PostGIS's geometry_columns view reads any constraint of the
    -- form `geometrytype(…) = …` as the column's one type and would announce a column of POINTs.
    geom       geometry(Geometry, 4326) NOT NULL
               CHECK (GeometryType(geom) ~ '^(POINT|POLYGON|MULTIPOLYGON)$'),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX buildings_geom ON buildings USING gist (geom);

CREATE TABLE households (
    code             text COLLATE "C" PRIMARY KEY,
    head_name        text,
    phone            text,
    members          integer,
    address          text,
    building_code    text COLLATE "C" REFERENCES buildings (code) DEFERRABLE INITIALLY DEFERRED,
    party_member     boolean NOT NULL DEFAULT false,
    center_household boolean NOT NULL DEFAULT false,
    -- The center household (党员中心户) that looks after this one; may come later in the same file.
    center_code      text COLLATE "C" REFERENCES households (code) DEFERRABLE INITIALLY DEFERRED,
    properties       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    geom             geometry(Point, 4326) NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX households_building_code ON households (building_code);
CREATE INDEX households_center_code ON households (center_code);
CREATE INDEX households_geom ON households USING gist (geom);

CREATE TABLE stations (
    code       text COLLATE "C" PRIMARY KEY,
    kind       text NOT NULL,
    name       text,
    tier       text CHECK (tier IS NULL OR tier IN ('city', 'county', 'township', 'village')),
    phone      text,
    open_hours text,
    services   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(services) = 'array'), -- array of strings
    properties jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    geom       geometry(Point, 4326) NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stations_kind ON stations (kind);
CREATE INDEX stations_geom ON stations USING gist (geom);

-- One counter per layer, bumped in the same transaction as every write to that layer, so a running
-- server notices writes made by another process (`gridmap import`) and refreshes its index. Writers
-- bump it first, which also serialises concurrent writes to one layer.
CREATE TABLE layer_revisions (
    layer    text PRIMARY KEY CHECK (layer IN ('areas', 'buildings', 'households', 'stations')),
    revision bigint NOT NULL
);
INSERT INTO layer_revisions (layer, revision)
VALUES ('areas', 0), ('buildings', 0), ('households', 0), ('stations', 0);
