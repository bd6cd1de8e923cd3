// The invented people of a run: user number n has a German mobile number, a BSUID and a name,
// all derived from n, so webhooks, seeded documents and lookups agree without a shared table.

/** The fixtures' two business numbers (phone_number_id) and the WABAs owning them. */
export const ACCOUNT_A = '117733559900011';
export const ACCOUNT_B = '228844661100022';
export const WABA_OF: Readonly<Record<string, string>> = {
  [ACCOUNT_A]: '104857600112233',
  [ACCOUNT_B]: '209876543210987',
};

const FIRST = [
  'Anna',
  'Annika',
  'Ben',
  'Bruno',
  'Carla',
  'Chiara',
  'David',
  'Dilara',
  'Elena',
  'Emil',
  'Fatima',
  'Felix',
  'Greta',
  'Hannah',
  'Hugo',
  'Ida',
  'Ilias',
  'Jana',
  'Jonas',
  'Karim',
  'Klara',
  'Lea',
  'Leon',
  'Lina',
  'Luca',
  'Malte',
  'Marie',
  'Mats',
  'Mia',
  'Milan',
  'Nora',
  'Noah',
  'Olga',
  'Oskar',
  'Paula',
  'Paul',
  'Quentin',
  'Rosa',
  'Ruben',
  'Sara',
  'Selin',
  'Sofia',
  'Theo',
  'Tilda',
  'Ugo',
  'Vera',
  'Viktor',
  'Wanda',
  'Yara',
  'Zoe',
  'Amir',
  'Bilal',
  'Cem',
  'Dana',
  'Eva',
  'Finn',
  'Gabriel',
  'Helena',
  'Ivan',
  'Jule',
  'Kai',
  'Lotta',
  'Moritz',
  'Nele',
];
const LAST = [
  'Albers',
  'Bauer',
  'Becker',
  'Brandt',
  'Celik',
  'Dietrich',
  'Engel',
  'Fischer',
  'Frank',
  'Graf',
  'Hahn',
  'Hartmann',
  'Hoffmann',
  'Jansen',
  'Kaiser',
  'Keller',
  'Klein',
  'Koch',
  'Krause',
  'Kuhn',
  'Lang',
  'Lehmann',
  'Lorenz',
  'Maier',
  'Meyer',
  'Moeller',
  'Neumann',
  'Otto',
  'Peters',
  'Pohl',
  'Richter',
  'Roth',
  'Sauer',
  'Schmidt',
  'Schneider',
  'Schulz',
  'Schwarz',
  'Seidel',
  'Sommer',
  'Stein',
  'Thomas',
  'Vogel',
  'Wagner',
  'Walter',
  'Weber',
  'Werner',
  'Winkler',
  'Wolf',
  'Yilmaz',
  'Ziegler',
  'Arslan',
  'Berger',
  'Dogan',
  'Ernst',
  'Fuchs',
  'Gross',
  'Haas',
  'Jung',
  'Kraft',
  'Ludwig',
  'Martin',
  'Nowak',
  'Popescu',
  'Rossi',
];

/** wa_id: +49 17x xxxxxxxx (x from n), a possible German mobile number. */
export function waIdOf(n: number): string {
  return `4917${String(n % 1_000_000_000).padStart(9, '0')}`;
}

export function bsuidOf(n: number): string {
  return `DE.5${String(n).padStart(18, '0')}`;
}

export function nameOf(n: number): string {
  return `${FIRST[n % FIRST.length]} ${LAST[Math.floor(n / FIRST.length) % LAST.length]}`;
}

/** A wa_id as people write it: "+49 170 12345678". */
export function writtenPhone(waId: string): string {
  return `+${waId.slice(0, 2)} ${waId.slice(2, 5)} ${waId.slice(5)}`;
}

/** The first names, for name-prefix searches. */
export const FIRST_NAMES: readonly string[] = FIRST;
