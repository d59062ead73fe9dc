// The planner's texts, and problems of a tiling said in words.
import { addTexts, t, zh } from '../i18n';
import type { Problem } from './types';

addTexts({
  mapTab: ['地图', 'Map'],
  plannerTab: ['规划', 'Planner'],
  p_title: ['区域规划', 'Area planning'],
  p_open: ['打开', 'Open'],
  p_pickHint: ['点击地图上的区域，或输入区域编码', 'Click an area on the map, or type its code'],
  p_children: ['下级区域（按户数着色）', 'Children (coloured by households)'],
  p_ok: ['规模适度', 'in band'],
  p_low: ['户数过少', 'too few'],
  p_high: ['户数过多', 'too many'],
  p_unknown: ['无户数', 'no counts'],
  p_band: ['标准', 'band'],
  p_problems: ['问题', 'Problems'],
  p_clean: ['全覆盖，无缝隙、无重叠', 'Fully covered: no gaps, no overlaps'],
  p_hh: ['户', 'households'],
  p_select: ['点击一个下级区域以查看或编辑', 'Click a child to see or edit it'],
  p_noEdit: ['无权修改此区域', 'You may not redraw this area'],
  p_down: ['下级', 'Open'],
  p_mode_edit: ['编辑边界', 'Edit boundary'],
  p_discard: ['放弃修改', 'Discard'],
  p_editHint: ['拖动顶点修改边界（靠近相邻区域的顶点或边时自动吸附）；拖动边中点可增加顶点，右键删除顶点',
    'Drag vertices to move the border (they snap to neighbours\' vertices and edges); drag a midpoint to add one, right-click to remove one'],
  p_impact: ['影响', 'Impact'],
  p_noChange: ['边界尚未修改', 'The boundary is unchanged'],
  p_computing: ['计算中…', 'Computing…'],
  p_moves: ['迁移的住户', 'Households that move'],
  p_movedN: ['户将迁移', 'households move'],
  p_blocking: ['会造成覆盖问题，需修正后提交', 'Would break the tiling: fix it before committing'],
  p_fine: ['不产生覆盖问题，可以提交', 'Keeps the tiling: can be committed'],
  p_counts: ['受影响区域（修改前 → 修改后）', 'Affected areas (before → after)'],
  p_newProblems: ['新出现的问题', 'New problems'],
  p_solved: ['解决的问题', 'Solved problems'],
  p_buildingsMoved: ['迁移的楼栋', 'Buildings that move'],
  p_stationsMoved: ['迁移的站点', 'Stations that move'],
  p_neighbours: ['随之调整的相邻区域', 'Neighbours adjusted with it'],
  p_clipped: ['超出上级区域而裁去（平方米）', 'Cut off outside the parent (m²)'],
  p_linksSplit: ['联系户与党员中心户被分开', 'Households now apart from their center household'],
  p_none: ['无', 'none'],
  p_commitTitle: ['提交修改', 'Commit'],
  p_reason: ['修改原因（必填，记入历史）', 'Reason (required, kept in the history)'],
  p_commit: ['提交', 'Commit'],
  p_force: ['仍然提交', 'Commit anyway'],
  p_needReason: ['请填写修改原因', 'Say why: the reason is kept in the history'],
  p_stale: ['其他人已修改了该区域，请重新加载后再修改', 'Someone else changed this area since you opened it: reload it and redo your change'],
  p_reload: ['重新加载', 'Reload'],
  p_conflict: ['提交会造成以下问题：', 'Committing would create these problems:'],
  p_committed: ['已提交，当前版本', 'Committed: now at version'],
  p_history: ['历史版本', 'History'],
  p_restore: ['恢复此版本', 'Restore'],
  p_restoreReason: ['恢复原因', 'Reason for restoring'],
  p_restoreGo: ['确认恢复', 'Restore this version'],
  p_current: ['当前版本', 'current'],
  p_restored: ['已恢复，当前版本', 'Restored: now at version'],
  p_version: ['版本', 'version'],
  p_status_created: ['（新建）', '(new)'],
  p_status_retired: ['（撤销）', '(retired)'],
  p_sharedMoved: ['共用顶点随之移动的相邻区域', 'Neighbours whose shared vertex moves too'],
  // split, merge, red house-yards
  p_mode_split: ['拆分', 'Split'],
  p_mode_merge: ['合并', 'Merge'],
  p_mode_yards: ['划分红色屋场', 'Suggest red yards'],
  p_preview: ['预览', 'Preview'],
  p_created: ['新区域（预览）', 'New areas (preview)'],
  p_retiredCodes: ['撤销的编码', 'Codes retired'],
  p_lineage: ['沿革（原区域 → 新区域）', 'Lineage (old → new)'],
  p_leader: ['负责人', 'led by'],
  p_splitHint: ['将所选区域拆分为几部分：新区域使用新编码，原编码撤销（历史保留），其下级区域随之划入',
    'Split the picked area: the parts get new codes, its own code is retired (its history kept) and its children go with the parts'],
  p_splitByLine: ['沿画线拆分', 'Along a line'],
  p_splitByParts: ['按户数均分', 'Into parts balanced on households'],
  p_splitN: ['份数', 'Parts'],
  p_lineHint: ['在地图上依次点击，画一条穿过该区域的线；双击或点“完成画线”结束',
    'Click points across the area on the map; double-click or press “Finish line” to end'],
  p_lineFinish: ['完成画线', 'Finish line'],
  p_lineRedraw: ['重画', 'Redraw'],
  p_splitDone: ['已拆分为', 'Split into'],
  p_mergeHint: ['在地图上点击或在下方勾选要并入的相邻区域', 'Click the neighbours to merge with on the map, or tick them below'],
  p_adjacent: ['（相邻）', ' (adjacent)'],
  p_mergeName: ['新名称（可选）', 'New name (optional)'],
  p_mergeDone: ['已合并为', 'Merged into'],
  p_yardsHint: ['按户数均衡划分红色屋场，每个屋场由一户党员中心户牵头', 'Red house-yards balanced on households, each led by a party-member center household'],
  p_yardsCount: ['屋场个数', 'Number of yards'],
  p_yardsCenters: ['党员中心户', 'Center households'],
  p_yardsDone: ['已划分红色屋场', 'Red house-yards suggested:'],
  // undo, revert, lineage
  p_undo: ['撤销', 'Undo'],
  p_undoReason: ['撤销', 'undo'],
  p_undone: ['已撤销该修改', 'The change was undone'],
  p_undoFailed: ['撤销失败', 'Could not undo'],
  p_revert: ['撤销此次修改', 'Revert this change'],
  p_revertReason: ['撤销原因', 'Reason for reverting'],
  p_revertGo: ['确认撤销', 'Revert it'],
  p_cancel: ['取消', 'Cancel'],
  p_changedSince: ['此后相关区域又有修改，无法单独撤销', 'An area it touched changed since: it cannot be undone alone'],
  p_historyOf: ['历史：', 'History of'],
  p_retired: ['已撤销编码', 'retired'],
  p_predecessors: ['由以下区域变来', 'Made from'],
  p_successors: ['已变为', 'Became'],
});

const m2 = (v: number | undefined) => `${Math.round(v ?? 0).toLocaleString(zh() ? 'zh-CN' : 'en')} m²`;
const SIDES: Record<string, [string, string]> = { low: ['过少', 'too few'], high: ['过多', 'too many'] };
const MEASURES: Record<string, [string, string]> = {
  households: ['户数', 'households'], people: ['人口', 'people'], party_members: ['党员户', 'party members'],
  center_households: ['党员中心户', 'center households'],
};
const pick = (pair: [string, string] | undefined, fallback: string) => (pair ? pair[zh() ? 0 : 1] : fallback);
const counted = (p: Problem) => zh()
  ? `住户 ${p.households ?? 0}、楼栋 ${p.buildings ?? 0}、站点 ${p.stations ?? 0}`
  : `${p.households ?? 0} households, ${p.buildings ?? 0} buildings, ${p.stations ?? 0} stations`;

/** One problem of a redraw (`new_problems`, `solved_problems`) in words. */
export function describeProblem(p: Problem): string {
  const z = zh();
  switch (p.kind) {
    case 'gaps': return z ? `缝隙（未覆盖）${m2(p.area_m2)}` : `gaps (uncovered land) of ${m2(p.area_m2)}`;
    case 'overlap': return z ? `重叠：${(p.codes ?? []).join(' 与 ')}` : `overlap of ${(p.codes ?? []).join(' and ')}`;
    case 'outside_parent': return z ? `${p.code} 超出上级区域` : `${p.code} reaches outside its parent`;
    case 'non_contiguous': return z ? `${p.code} 不连片` : `${p.code} is in several pieces`;
    case 'child_outside': return z ? `${p.code} 的下级 ${p.child} 超出其边界` : `${p.child} (under ${p.code}) reaches outside it`;
    case 'in_no_child': return z ? `不在任何下级区域内：${counted(p)}` : `in no child: ${counted(p)}`;
    case 'in_two_children': return z ? `同时在两个下级区域内：${counted(p)}` : `in two children: ${counted(p)}`;
    case 'unbalanced': return z
      ? `${p.code} ${pick(MEASURES[p.measure ?? ''], p.measure ?? '')}${pick(SIDES[p.side ?? ''], p.side ?? '')}`
      : `${p.code} has ${pick(SIDES[p.side ?? ''], p.side ?? '')} ${pick(MEASURES[p.measure ?? ''], p.measure ?? '')}`;
    default: return p.kind;
  }
}

export const measureName = (m: string) => pick(MEASURES[m], m);
export const sideName = (s: string) => pick(SIDES[s], s);
export { m2, t };
