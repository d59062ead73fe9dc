// The coverage API's answers, as the view reads them.
export interface Figures {
  stations: number; households: number | null; covered: number | null; share: number | null;
  mean_distance_m: number | null; p90_distance_m: number | null;
}
/** Households within the radius on foot along the path network (`distance=walking`). */
export interface Walking { covered: number | null; share: number | null }
/** The straight-line figures, with the walking ones beside when asked with `distance=walking`. */
export interface Measured extends Figures { walking?: Walking }
export interface AreaRow extends Measured { code: string; name: string; level: string }
export interface CoverageAnswer extends Measured {
  kind: string; radius_m: number; level: string; distance?: 'walking'; by_area: AreaRow[];
}
export interface Site {
  rank: number; lon: number; lat: number; building_code: string | null; address: string | null;
  area_code: string | null; gain: number; covered: number; share: number | null;
  /** Codes of the households it newly covers, those the caller may see. */
  households: string[];
}
export interface Suggestions {
  households: number; covered_before: number; share_before: number | null; distance?: 'walking'; sites: Site[];
}
export interface Uncovered extends GeoJSON.FeatureCollection<GeoJSON.Point> { numberMatched: number }
