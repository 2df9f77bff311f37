import { newTagId } from './ids.ts';
import type { ContactInput, SandboxState } from './state.ts';
import type { FollowRelation, Rep, TagGroup } from './types.ts';

/** A follow relation in a seed: a rep userid, or the relation's fields. */
export type FollowSeed = string | (Partial<Omit<FollowRelation, 'external_userid'>> & { userid: string });

/** A customer in a seed, with the reps following them. */
export interface ContactSeed extends ContactInput {
  follow?: FollowSeed[];
}

/** A tag group in a seed; tags by name (ids are generated) or with fixed ids. */
export interface TagGroupSeed {
  group_id?: string;
  group_name: string;
  tags: Array<string | { id?: string; name: string }>;
}

/** What `seed()` accepts; every part is optional and merges into the existing state. */
export interface SeedInput {
  reps?: Rep[];
  contacts?: ContactSeed[];
  tagGroups?: TagGroupSeed[];
  kfAccounts?: Array<{ open_kfid?: string; name: string }>;
}

export interface SeedResult {
  reps: string[];
  contacts: Array<{ external_userid: string; name: string }>;
  tagGroups: Array<{ group_id: string; group_name: string; tags: Array<{ id: string; name: string }> }>;
  kfAccounts: Array<{ open_kfid: string; name: string }>;
}

/**
 * Merges a seed into the state. Reps named in `follow` must exist (in the state or the
 * same seed): a relation to an unknown member is a seed bug worth failing loudly on.
 * @throws Error when a follow relation names an unknown rep.
 */
export function seedState(state: SandboxState, input: SeedInput): SeedResult {
  const result: SeedResult = { reps: [], contacts: [], tagGroups: [], kfAccounts: [] };
  for (const rep of input.reps ?? []) {
    state.upsertRep(rep);
    result.reps.push(rep.userid);
  }
  for (const group of input.tagGroups ?? []) {
    const seeded = seedTagGroup(state, group);
    result.tagGroups.push({ group_id: seeded.group_id, group_name: seeded.group_name, tags: seeded.tags.map(({ id, name }) => ({ id, name })) });
  }
  for (const account of input.kfAccounts ?? []) {
    result.kfAccounts.push(state.addKfAccount(account));
  }
  for (const seed of input.contacts ?? []) {
    const { follow = [], ...fields } = seed;
    const contact = state.upsertContact(fields);
    for (const entry of follow) {
      const relation = typeof entry === 'string' ? { userid: entry } : entry;
      if (!state.reps.has(relation.userid)) {
        throw new Error(`seed: contact ${contact.name} follows unknown rep ${relation.userid}`);
      }
      state.upsertRelation({ ...relation, external_userid: contact.external_userid });
    }
    result.contacts.push({ external_userid: contact.external_userid, name: contact.name });
  }
  return result;
}

/** Adds a group (or extends the one with the same name) with the given tags. */
function seedTagGroup(state: SandboxState, seed: TagGroupSeed): TagGroup {
  const now = state.nowSeconds();
  let group = state.tagGroups.find((g) => g.group_name === seed.group_name || g.group_id === seed.group_id);
  if (!group) {
    group = { group_id: seed.group_id ?? newTagId(), group_name: seed.group_name, create_time: now, order: 0, tags: [] };
    state.tagGroups.push(group);
  }
  for (const entry of seed.tags) {
    const tag = typeof entry === 'string' ? { name: entry } : entry;
    if (!group.tags.some((t) => t.name === tag.name)) {
      group.tags.push({ id: tag.id ?? newTagId(), name: tag.name, create_time: now, order: 0 });
    }
  }
  return group;
}
