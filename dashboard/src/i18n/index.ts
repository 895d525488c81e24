import { setMonthNames } from '../time.ts';
import { en, type Key } from './en.ts';
import { ur } from './ur.ts';

export type Lang = 'en' | 'ur';
export type { Key };

const DICTS: Record<Lang, Record<Key, string>> = { en, ur };
const MONTHS: Record<Lang, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  ur: [
    'جنوری',
    'فروری',
    'مارچ',
    'اپریل',
    'مئی',
    'جون',
    'جولائی',
    'اگست',
    'ستمبر',
    'اکتوبر',
    'نومبر',
    'دسمبر',
  ],
};

let lang: Lang = 'en';

export function setLang(l: string | null): Lang {
  lang = l === 'ur' ? 'ur' : 'en';
  setMonthNames(MONTHS[lang]);
  const root = document.documentElement;
  root.lang = lang;
  root.dir = lang === 'ur' ? 'rtl' : 'ltr';
  return lang;
}

export function getLang(): Lang {
  return lang;
}

/** The string for `key`, with `{name}` placeholders replaced (values are inserted as text, never markup). */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = DICTS[lang][key] ?? en[key];
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** Service (target group) label; unknown groups are shown as their key. */
export function svc(group: string): string {
  const k = `svc_${group}` as Key;
  return k in en ? t(k) : group;
}

/** Blocking-method description; unknown methods are shown as their key. */
export function method(m: string): string {
  const k = `m_${m}` as Key;
  return k in en ? t(k) : m;
}

export function status(s: string | null): string {
  const k = `st_${s ?? 'nodata'}` as Key;
  return k in en ? t(k) : String(s);
}

/** A known word from the data (event status, severity) in the UI language; unknown values as they are. */
export function word(prefix: 'ev' | 'sev' | 'kind', v: string): string {
  const k = `${prefix}_${v.toLowerCase()}` as Key;
  return k in en ? t(k) : v;
}

export function probes(n: number): string {
  return n === 1 ? t('n_probe') : t('n_probes', { n });
}

export function networks(n: number): string {
  return n === 1 ? t('n_network') : t('n_networks', { n });
}

export function duration(ms: number): string {
  const m = Math.round(ms / 60000);
  if (m < 60) return `${m} ${t('u_min')}`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} ${t('u_h')} ${m % 60} ${t('u_min')}`;
  return `${Math.round(hrs / 24)} ${t('u_d')}`;
}
