/** The API's group fields of an event (collector/API.md: family, group_id, related). */
import type { Static } from '@sinclair/typebox';
import type { RelatedEvent } from '../api-schemas.ts';
import { iso } from '../routes/shapes.ts';
import type { EventRecord } from '../storage/types.ts';
import { familyOf } from './related-events.ts';

export interface GroupFields {
  family: string | null;
  group_id: string;
  related: Static<typeof RelatedEvent>[];
}

/** `group`: the event's whole group, sorted by start, the event itself included (see relatedGroups). */
export function groupFields(e: EventRecord, group: readonly EventRecord[] | undefined): GroupFields {
  const members = group?.length ? group : [e];
  return {
    family: familyOf(e.target_group),
    group_id: members[0].id,
    related: members
      .filter((r) => r.id !== e.id)
      .map((r) => ({
        id: r.id,
        title: r.title,
        target_group: r.target_group,
        asns: r.asns,
        methods: r.methods,
        start: iso(r.start_ms),
        end: r.end_ms === null ? null : iso(r.end_ms),
        status: r.status,
      })),
  };
}
