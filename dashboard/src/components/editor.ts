import { api } from '../api.ts';
import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { RaabtaEvent } from '../types.ts';

/**
 * Editors' annotation of an event (PATCH /api/v1/admin/events/:id): a better title and/or a note, which then
 * shows on the event page and on every chart of the event. The admin token is typed in each time and kept
 * only in this form (never stored, never in the URL).
 */
export function editorForm(e: RaabtaEvent, done: () => void): HTMLElement {
  const token = h('input', { type: 'password', class: 'admin-token', autocomplete: 'off', required: true });
  const title = h('input', { type: 'text', class: 'edit-title', maxlength: 200, value: '' });
  title.placeholder = e.title;
  const note = h('textarea', { class: 'edit-note', rows: 3, maxlength: 2000 });
  const status = h('p', { class: 'edit-status', role: 'status' });
  const form = h(
    'form',
    { class: 'editor' },
    h('label', {}, h('span', {}, t('admin_token')), token),
    h('label', {}, h('span', {}, t('edit_title')), title),
    h('label', {}, h('span', {}, t('edit_note')), note),
    h('button', { type: 'submit', class: 'edit-save' }, t('edit_save')),
    status,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body: { title?: string; note?: string } = {};
    if (title.value.trim()) body.title = title.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    if (!body.title && !body.note) return;
    status.textContent = t('loading');
    api.editEvent(e.id, body, token.value).then(
      () => {
        token.value = '';
        done();
      },
      (err: unknown) => {
        status.textContent = t('load_failed', { msg: err instanceof Error ? err.message : String(err) });
      },
    );
  });
  return h('details', { class: 'editor-box' }, h('summary', {}, t('edit_event')), form);
}
