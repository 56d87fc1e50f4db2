// The address-space CSV dialects, and `--format auto`: which dialect and object kind a header describes.
import type { CustomFieldDef, Dialect, DialectName, HeaderError, ObjectKind, ResolvedHeader } from './ipam-rows.js';
import { OBJECT_KINDS, isHeaderError, resolveHeader } from './ipam-rows.js';
import { msIpam } from './ms-ipam.js';
import { netbox } from './netbox.js';
import { phpipam } from './phpipam.js';
import { native } from './native.js';

export const DIALECTS: Dialect[] = [msIpam, netbox, phpipam, native];

export function findDialect(name: string): Dialect | undefined {
	return DIALECTS.find(d => d.name === name);
}

/**
 * Resolves a header for the given dialect/kind, or tries every combination left open and keeps the
 * one that recognises the most columns (earlier dialects and kinds win ties: MS IPAM, then NetBox).
 * When nothing fits, the error is the one of the closest candidate.
 */
export function detectHeader(
	header: string[],
	customFields: CustomFieldDef[],
	want: { dialect?: DialectName; kind?: ObjectKind } = {},
): ResolvedHeader | HeaderError {
	const dialects = want.dialect ? DIALECTS.filter(d => d.name === want.dialect) : DIALECTS;
	let best: ResolvedHeader | undefined;
	let firstError: HeaderError | undefined;
	for (const dialect of dialects) {
		for (const kind of want.kind ? [want.kind] : OBJECT_KINDS) {
			if (!dialect.kinds[kind]) continue;
			const r = resolveHeader(header, dialect, kind, customFields);
			if (isHeaderError(r)) {
				// The candidate that recognised the most columns is the one the user most likely meant.
				if (!firstError || (r.matched ?? 0) > (firstError.matched ?? 0)) firstError = r;
				continue;
			}
			if (!best || score(r) > score(best)) best = r;
		}
	}
	if (best) return best;
	if (firstError) return firstError;
	return { column: null, reason: `the ${want.dialect ?? ''} format has no ${want.kind ?? ''} files`.replace(/\s+/g, ' ') };
}

/** Recognised columns, with the required ones of the kind counting double so a fuller match wins. */
function score(r: ResolvedHeader): number {
	return r.matched + r.fields.size;
}
