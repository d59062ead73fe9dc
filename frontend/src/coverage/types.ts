// The coverage API's answers, as the view reads them.
export interface Figures {
  stations: number; households: number | null; covered: number | null; share: number | null;
  mean_distance_m: number | null; p90_distance_m: number | null;
}
export interface AreaRow extends Figures { code: string; name: string; level: string }
export interface CoverageAnswer extends Figures { kind: string; radius_m: number; level: string; by_area: AreaRow[] }
export interface Site {
  rank: number; lon: number; lat: number; building_code: string | null; address: string | null;
  area_code: string | null; gain: number; covered: number; share: number | null;
}
export interface Suggestions { households: number; covered_before: number; share_before: number | null; sites: Site[] }
export interface Uncovered extends GeoJSON.FeatureCollection<GeoJSON.Point> { numberMatched: number }
