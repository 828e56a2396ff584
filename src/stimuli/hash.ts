/** SHA-256 through Web Crypto, available in browsers and Node 20 alike. */

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A uuid (version 5 layout) derived from SHA-256 of the parts: the same parts, the same id. */
export async function stableUuid(...parts: (string | number)[]): Promise<string> {
	const hex = await sha256Hex(new TextEncoder().encode(parts.join('\u0000')));
	const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
