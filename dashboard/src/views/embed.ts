import { h, mount } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { failed, tzOf } from '../layout.ts';
import type { Route } from '../router.ts';
import { permalink } from '../router.ts';
import { timelineHeatmap } from './timeline-chart.ts';
import { loadTimeline } from './timeline-data.ts';
import { readState } from './timeline-state.ts';

/** `#/embed/timeline?…`: the chart alone (for iframes), with its caption and a link to the full view. */
export async function embedView(root: HTMLElement, route: Route): Promise<void> {
  document.body.classList.add('embedded');
  try {
    const st = await readState(route, tzOf());
    const d = await loadTimeline(st);
    const width = Math.max(320, Math.min(1400, root.clientWidth || window.innerWidth || 800));
    const { svg } = timelineHeatmap(st, d, width - 8);
    const full = permalink(location.hash.replace('#/embed/timeline', '#/timeline'));
    mount(
      root,
      h('div', { class: 'chart-box' }, svg),
      h(
        'p',
        { class: 'embed-foot' },
        h('a', { href: full, target: '_blank', rel: 'noopener' }, t('open_full')),
      ),
    );
    root.dataset.chart = 'ready';
  } catch (err) {
    failed(root, err);
  }
}
