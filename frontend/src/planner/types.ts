// The planning API's answers, as the planner reads them (see the server's src/plan/json.rs).
import type { Area } from '../types';

export type Outline = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/** `GET /api/v1/areas/{code}`: an area with its outline and the version edits must name. */
export interface AreaDetail extends Area {
  parent_code: string | null; version: number; ancestors: Area[]; children_count: number;
  bbox: [number, number, number, number]; geometry: Outline;
}

/** Counts of one child; household counts are null for readers who may not see them. */
export interface Counts {
  households: number | null; people: number | null; party_members: number | null; center_households: number | null;
  buildings: number; stations: number; area_m2?: number;
}

export interface ChildReport extends Counts { code: string; name: string; area_m2: number; parts: number }
export interface Outlier { code: string; measure: string; value: number; side: 'low' | 'high'; band: string }
export interface Strays { households: number | null; household_codes: string[]; buildings: string[]; stations: string[] }

/** `GET /api/v1/areas/{code}/validate`. */
export interface Report {
  code: string; name: string; level: string; version: number; children_level: string | null; clean: boolean;
  tolerance_m2: number; children: ChildReport[];
  gaps: { area_m2: number; geometry: Outline }[];
  overlaps: { codes: string[]; area_m2: number; geometry: Outline }[];
  outside_parent: { code: string; area_m2: number; geometry: Outline }[];
  non_contiguous: { code: string; parts: number; part_areas_m2: number[] }[];
  slivers: { count: number; area_m2: number };
  in_no_child: Strays; in_two_children: Strays;
  balance: { bands: Record<string, string>; outliers: Outlier[] } | null;
}

/** One problem of a redraw: `kind` and the fields that kind carries. */
export interface Problem {
  kind: string; area_m2?: number; codes?: string[]; code?: string; child?: string;
  households?: number; buildings?: number; stations?: number; measure?: string; side?: string;
}

export interface Move { code: string; from: string | null; to: string | null }
export interface AffectedArea {
  code: string; name: string; version: number; leader_name: string | null; leader_phone: string | null;
  before: Counts | null; after: Counts | null;
}

/** The `impact` of a proposal or commit. */
export interface Impact {
  parent_code: string; households_moved: number | null;
  moves: { households: Move[]; buildings: Move[]; stations: Move[] };
  areas: AffectedArea[]; leaders_affected: number; center_links_split: { center: string; household: string }[];
  new_problems: Problem[]; solved_problems: Problem[]; blocking: boolean;
  adjustments?: { clipped: { code: string; area_m2: number }[]; neighbours_moved: string[] };
}

export interface Proposal { id: string | null; impact: Impact }

export interface Version {
  version: number; changed_by: string | null; changed_at: string | null; reason: string | null;
  change_id: string | null; name: string;
}
export interface History { code: string; version: number; versions: Version[] }
