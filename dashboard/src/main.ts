import { setLang, t } from './i18n/index.ts';
import { shell } from './layout.ts';
import { currentRoute } from './router.ts';
import { dataView } from './views/data.ts';
import { embedView } from './views/embed.ts';
import { eventView } from './views/event.ts';
import { measurementView } from './views/measurement.ts';
import { overviewView } from './views/overview.ts';
import { timelineView } from './views/timeline.ts';

const root = document.getElementById('app')!;
let renderSeq = 0;

/** Renders the view named by the URL hash; a newer navigation supersedes a render still loading. */
async function render(): Promise<void> {
  const seq = ++renderSeq;
  const route = currentRoute();
  setLang(route.params.get('lang'));
  if (route.view.startsWith('embed/')) {
    await embedView(root, route);
    return;
  }
  document.body.classList.remove('embedded');
  const active = ['timeline', 'data'].includes(route.view)
    ? route.view
    : route.view === 'overview'
      ? 'overview'
      : '';
  const main = shell(root, active);
  const stale = () => seq !== renderSeq;
  switch (route.view) {
    case 'timeline':
      await timelineView(main, route);
      break;
    case 'event':
      await eventView(main, route.id ?? '');
      break;
    case 'measurement':
      await measurementView(main, route.id ?? '');
      break;
    case 'data':
      await dataView(main, route.params.get('date'));
      break;
    case 'overview':
      await overviewView(main);
      break;
    default:
      main.textContent = t('not_found');
  }
  if (!stale()) main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', () => void render());
void render();
