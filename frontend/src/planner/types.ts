// The planning API's answers, as the planner reads them (see the server's src/plan/json.rs).
import type { Area } from '../types';

export type Outline = GeoJSON.Polygon | GeoJSON.MultiPolygon;

/** `GET /api/v1/areas/{code}`: an area with its outline and the version edits must name. */
export interface AreaDetail extends Area {
  parent_code: string | null; version: number; ancestors: Area[]; children_count: number;
  bbox: [number, number, number, number]; geometry: Outline; properties?: Record<string, unknown>;
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
  code: string; name: string | null; version: number | null; leader_name: string | null; leader_phone: string | null;
  /** `changed`, or for a split, merge or new red house-yards: `created` and `retired`. */
  status?: 'changed' | 'created' | 'retired';
  before: Counts | null; after: Counts | null;
}

/** The `impact` of a proposal or commit. */
export interface Impact {
  parent_code: string; households_moved: number | null;
  moves: { households: Move[]; buildings: Move[]; stations: Move[] };
  areas: AffectedArea[]; leaders_affected: number; center_links_split: { center: string; household: string }[];
  new_problems: Problem[]; solved_problems: Problem[]; blocking: boolean;
  adjustments?: { clipped: { code: string; area_m2: number }[]; neighbours_moved: string[] };
  /** How the parent's children would tile it afterwards (counts per child). */
  after?: Report;
}

export interface Proposal { id: string | null; impact: Impact }

export interface Version {
  version: number; changed_by: string | null; changed_at: string | null; reason: string | null;
  change_id: string | null; name: string;
}
/** One link of a split or merge: the retired area and one that took its place. */
export interface Link { predecessor: string; successor: string; change_id?: string | null; changed_at?: string | null }
/** `GET /api/v1/areas/{code}/history`; a retired code (split or merged away) has no current version. */
export interface History { code: string; version: number | null; retired?: boolean; versions: Version[]; lineage?: Link[] }

/** An area a split, merge or red house-yard suggestion creates (or would create). */
export interface CreatedArea {
  code: string; name: string; level: string; parent_code: string | null; leader_name: string | null;
  leader_phone: string | null; properties: Record<string, unknown> | null; geometry: Outline;
}
/** The answer of split, merge and red_yards: a preview, or (with `change_id`) the change made. */
export interface Restructured {
  preview: boolean; created: CreatedArea[]; retired: string[]; lineage: Link[]; impact: Impact;
  change_id?: string; reason?: string; areas?: { code: string; version: number | null }[];
}
/** `POST /api/v1/changes/{id}/revert`. */
export interface Reverted {
  change_id: string; reverted: string; areas: { code: string; version: number | null }[]; retired: string[]; restored: string[];
}
/** What a commit answers (one area, or siblings in a batch): the change and the areas' new versions. */
export interface Committed { change_id?: string; areas: { code: string; version: number | null }[] }
