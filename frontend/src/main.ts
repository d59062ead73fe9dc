// The gridmap web app: a login, then the served MapLibre style with layer toggles and a legend, the
// dispatcher (locate + nearest stations), household search, area statistics and, for those who may
// redraw areas, the planner. Every request goes to the gridmap server that served this page with
// the session's bearer token (map tiles too); data is always written with textContent, never as HTML.
import './style.css';
import { account, api, forgetToken, hasToken, logIn, setAccount, signOut, type Me } from './api';
import { setUpDispatch, renderKinds } from './dispatch';
import { $, showError } from './dom';
import { setUpHouseholds } from './households';
import { onLangChange, t, toggleLang, zh } from './i18n';
import { renderLayers, startMap, withoutHouseholds } from './map';
import { setUpCoverage } from './coverage';
import { setUpPlanner } from './planner';

function renderStatic() {
  document.documentElement.lang = zh() ? 'zh-CN' : 'en';
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n!); });
  $('lang').textContent = zh() ? 'English' : '中文';
}
function renderWho() {
  const me = account();
  if (!me) return;
  const scope = me.scope ? ` · ${me.scope}` : '';
  $('who').textContent = `${me.user}（${t(me.role)}${scope}）`;
}
// The page's fixed texts (data-i18n) and the account line; each part re-writes what it shows itself.
onLangChange(renderStatic);
onLangChange(renderWho);
$('lang').addEventListener('click', toggleLang);

// Shows the app for the signed-in account: what its role cannot see or do is not offered.
function enter(me: Me) {
  setAccount(me);
  $('login').hidden = true;
  $('app').hidden = false;
  if (!me.sees_households) {
    withoutHouseholds();
    $('household-section').hidden = true;
  }
  renderStatic();
  renderLayers();
  renderKinds();
  renderWho();
  setUpCoverage(me);
  setUpPlanner(me);
  document.body.dataset.role = me.role;
  void startMap(me).catch(showError);
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const box = $('login-error');
  box.hidden = true;
  try {
    await logIn(($('username') as HTMLInputElement).value.trim(), ($('password') as HTMLInputElement).value);
    enter(await api<Me>('api/v1/auth/me'));
  } catch (e) {
    box.textContent = e instanceof Error ? e.message : String(e);
    box.hidden = false;
  }
});
$('logout').addEventListener('click', async () => {
  await api('api/v1/auth/token', { method: 'DELETE' }).catch(() => null);
  signOut();
});
setUpDispatch();
setUpHouseholds();

async function boot() {
  renderStatic();
  renderKinds();
  if (hasToken()) {
    try {
      enter(await api<Me>('api/v1/auth/me'));
      return;
    } catch {
      forgetToken();
    }
  }
  $('login').hidden = false;
  ($('username') as HTMLInputElement).focus();
}
void boot();
