// The app's two languages: every text shown is looked up here by key, and whatever is on screen is
// re-written when the language changes (each part registers how with onLangChange).
export type Lang = 'zh' | 'en';

const T: Record<string, [string, string]> = {
  title: ['网格地图', 'gridmap'],
  layers: ['图层', 'Layers'],
  dispatch: ['调度：定位与最近站点', 'Dispatch: locate and nearest stations'],
  go: ['查询', 'Go'],
  clickHint: ['点击地图或输入坐标', 'Click the map or type a coordinate'],
  households: ['住户查询', 'Household search'],
  search: ['搜索', 'Search'],
  area: ['区域统计', 'Area statistics'],
  areas: ['行政区/网格', 'Areas / grids'],
  red_yards: ['红色屋场', 'Red house-yards'],
  paths_layer: ['道路', 'Roads and paths'],
  buildings: ['楼栋', 'Buildings'],
  households_layer: ['住户', 'Households'],
  stations: ['站点', 'Stations'],
  outside: ['该点不在任何区域内', 'The point is in no area'],
  none: ['无结果', 'No results'],
  building: ['楼栋', 'Building'],
  center: ['党员中心户', 'Center household'],
  looks_after: ['联系户', 'Looks after'],
  hh: ['户数', 'Households'],
  people: ['人口', 'People'],
  party: ['党员户', 'Party members'],
  centers: ['党员中心户', 'Center households'],
  bld: ['楼栋', 'Buildings'],
  st: ['站点', 'Stations'],
  m: ['米', 'm'],
  network: ['无法连接服务器', 'Cannot reach the server'],
  badCoord: ['请输入数字坐标（经度、纬度）', 'Enter a numeric longitude and latitude'],
  username: ['用户名', 'User name'],
  password: ['密码', 'Password'],
  login: ['登录', 'Log in'],
  logout: ['退出', 'Log out'],
  badLogin: ['用户名或密码错误', 'Wrong user name or password'],
  admin: ['管理员', 'administrator'],
  planner: ['规划员', 'planner'],
  grid_leader: ['网格长', 'grid leader'],
  dispatcher: ['调度员', 'dispatcher'],
  viewer: ['访客', 'viewer'],
};

export const KINDS: [string, string, string, string, string][] = [
  ['red_station', '#d32f2f', '驿', '红色驿站', 'Red station'],
  ['governance_center', '#6a1b9a', '综', '综治中心', 'Governance center'],
  ['police_room', '#1565c0', '警', '社区警务室', 'Police room'],
  ['volunteer_station', '#2e7d32', '志', '志愿服务站', 'Volunteer station'],
  ['talk_room', '#ef6c00', '说', '说事室', 'Talk room'],
  ['ops_center', '#00838f', '城', '城运中心', 'Ops center'],
  ['legal_office', '#5d4037', '法', '法务工作室', 'Legal office'],
];

const LEVELS: Record<string, [string, string]> = {
  county: ['区县', 'County'], township: ['乡镇街道', 'Township'], community: ['村/社区', 'Community'],
  grid: ['网格', 'Grid'], red_yard: ['红色屋场', 'Red yard'],
};

let lang: Lang = 'zh';
const listeners: (() => void)[] = [];

export const currentLang = () => lang;
export const zh = () => lang === 'zh';
export const t = (key: string) => (T[key] ? T[key][lang === 'zh' ? 0 : 1] : key);
/** Adds a part's own texts (`key: [中文, English]`); keys must not collide with others'. */
export function addTexts(texts: Record<string, [string, string]>) {
  for (const k of Object.keys(texts)) if (k in T) throw new Error(`text key ${k} defined twice`);
  Object.assign(T, texts);
}
/** `fn` runs after every language change, to re-write what it shows. */
export function onLangChange(fn: () => void) {
  listeners.push(fn);
}
export function toggleLang() {
  lang = lang === 'zh' ? 'en' : 'zh';
  for (const fn of listeners) fn();
}
export const levelName = (level: string) => LEVELS[level]?.[lang === 'zh' ? 0 : 1] ?? level;
export const kindName = (kind: string) => {
  const k = KINDS.find((x) => x[0] === kind);
  return k ? (lang === 'zh' ? k[3] : k[4]) : kind;
};
