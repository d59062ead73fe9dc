// Shapes of the API's answers that several parts of the app read.
export interface Area { code: string; level: string; name: string; leader_name?: string | null }

export interface Household {
  code: string; head_name: string; address?: string; phone?: string; lon: number; lat: number;
  center_household: boolean; building?: { code: string; address?: string } | null; areas?: Area[];
  center?: Household | null; looks_after?: Household[];
}
