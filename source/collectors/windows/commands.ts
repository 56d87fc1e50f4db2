// The DhcpServer cmdlet calls, each projected to primitives in PowerShell (IP addresses as strings, times as UTC
// ISO 8601, TimeSpans as seconds) so 5.1 and 7 print the same JSON; -InputObject @(…) keeps one result an array.
// `target` names the server: `-ComputerName 'dhcp1'`, or `-CimSession $ipamCim` when a credential is used.
import type { Family } from '../../domain/ip.js';
import { canonicalAddress } from '../../domain/ip.js';
import { psQuote, WindowsDhcpError } from './powershell.js';

const json = (pipeline: string, projection: string) =>
	`ConvertTo-Json -Compress -Depth 4 -InputObject @(${pipeline} | ForEach-Object { [pscustomobject]@{${projection}} })`;

const utc = (property: string) => `${property}=if($_.${property}){$_.${property}.ToUniversalTime().ToString('o')}else{$null}`;
const seconds = (property: string) => `${property}=if($_.${property}){$_.${property}.TotalSeconds}else{$null}`;
const str = (...properties: string[]) => properties.map(p => `${p}=[string]$_.${p}`).join(';');

/** A scope id / prefix from earlier output, re-validated before it goes back into a command. */
export function scopeArgument(scopeKey: string): string {
	try {
		return psQuote(canonicalAddress(scopeKey), 'scope');
	} catch {
		throw new WindowsDhcpError(`scope id "${scopeKey}" is not an IP address`);
	}
}

export function versionCommand(target: string): string {
	return `$v=Get-DhcpServerVersion ${target};ConvertTo-Json -Compress -InputObject @{major=$v.MajorVersion;minor=$v.MinorVersion}`;
}

export function scopesCommand(family: Family, target: string): string {
	if (family === 4) {
		return json(`Get-DhcpServerv4Scope ${target}`, `${str('ScopeId', 'SubnetMask', 'StartRange', 'EndRange', 'State', 'Type')};Name=$_.Name;Description=$_.Description;SuperscopeName=$_.SuperscopeName;${seconds('LeaseDuration')}`);
	}
	return json(`Get-DhcpServerv6Scope ${target}`, `${str('Prefix', 'State')};PrefixLength=$_.PrefixLength;Name=$_.Name;Description=$_.Description;${seconds('ValidLifetime')};${seconds('PreferredLifetime')}`);
}

export function statisticsCommand(family: Family, target: string): string {
	if (family === 4) {
		return json(`Get-DhcpServerv4ScopeStatistics ${target}`, `${str('ScopeId')};AddressesFree=$_.AddressesFree;AddressesInUse=$_.AddressesInUse;ReservedAddress=$_.ReservedAddress;PendingOffers=$_.PendingOffers;PercentageInUse=$_.PercentageInUse`);
	}
	// Uint64 counters of a /64 exceed 2^53: sent as strings.
	return json(`Get-DhcpServerv6ScopeStatistics ${target}`, `${str('Prefix', 'AddressesFree', 'AddressesInUse', 'ReservedAddress', 'PendingAdvertises')};PercentageInUse=$_.PercentageInUse`);
}

/**
 * Several scopes in one invocation (`@('a','b') | ForEach-Object { cmdlet -ScopeId $_ }`): a server with hundreds of
 * scopes costs a few round trips, not two per scope. `$_` is the quoted, re-validated scope id.
 */
function perScope(scopeKeys: string[], cmdlet: (scope: string) => string): string {
	return `@(${scopeKeys.map(scopeArgument).join(',')}) | ForEach-Object { ${cmdlet('$_')} }`;
}

export function leasesCommand(family: Family, target: string, scopeKeys: string[]): string {
	if (family === 4) {
		return json(
			perScope(scopeKeys, scope => `Get-DhcpServerv4Lease ${target} -ScopeId ${scope} -AllLeases`),
			`${str('IPAddress', 'ScopeId', 'AddressState', 'ClientType')};ClientId=$_.ClientId;HostName=$_.HostName;Description=$_.Description;${utc('LeaseExpiryTime')}`,
		);
	}
	return json(
		perScope(scopeKeys, scope => `Get-DhcpServerv6Lease ${target} -Prefix ${scope}`),
		`${str('IPAddress', 'Prefix', 'AddressType')};ClientDuid=$_.ClientDuid;Iaid=$_.Iaid;HostName=$_.HostName;${utc('LeaseExpiryTime')}`,
	);
}

export function reservationsCommand(family: Family, target: string, scopeKeys: string[]): string {
	if (family === 4) {
		return json(perScope(scopeKeys, scope => `Get-DhcpServerv4Reservation ${target} -ScopeId ${scope}`), `${str('IPAddress', 'ScopeId', 'Type', 'AddressState')};ClientId=$_.ClientId;Name=$_.Name;Description=$_.Description`);
	}
	return json(perScope(scopeKeys, scope => `Get-DhcpServerv6Reservation ${target} -Prefix ${scope}`), `${str('IPAddress', 'Prefix', 'AddressState')};ClientDuid=$_.ClientDuid;Iaid=$_.Iaid;Name=$_.Name;Description=$_.Description`);
}

/** The audit-log files in a directory, with size and last write time (to skip unchanged files). */
export function auditListCommand(dir: string): string {
	return json(`Get-ChildItem -LiteralPath ${psQuote(dir, 'audit log directory')} -Filter 'Dhcp*SrvLog-*.log'`, `Name=$_.Name;Length=$_.Length;${utc('LastWriteTime')}`);
}

/**
 * Up to `max` bytes of a log from `offset`, plus its first 512 bytes (to notice the weekly overwrite), as base64.
 * Opened with FileShare.ReadWrite: the DHCP service holds the file open for writing.
 */
export function auditReadCommand(file: string, offset: number, max: number): string {
	return (
		`$p=${psQuote(file, 'audit log path')};$s=[IO.File]::Open($p,[IO.FileMode]::Open,[IO.FileAccess]::Read,[IO.FileShare]::ReadWrite);` +
		`try{$len=$s.Length;$h=New-Object byte[] ([int][Math]::Min($len,512));[void]$s.Read($h,0,$h.Length);` +
		`$o=[long]${Math.max(0, Math.floor(offset))};if($o -gt $len){$o=0};[void]$s.Seek($o,[IO.SeekOrigin]::Begin);` +
		`$n=[int][Math]::Min($len-$o,${Math.floor(max)});$b=New-Object byte[] $n;$r=0;while($r -lt $n){$k=$s.Read($b,$r,$n-$r);if($k -le 0){break};$r+=$k};` +
		`ConvertTo-Json -Compress -InputObject @{length=$len;offset=$o;head=[Convert]::ToBase64String($h);data=[Convert]::ToBase64String($b,0,$r)}}finally{$s.Close()}`
	);
}
