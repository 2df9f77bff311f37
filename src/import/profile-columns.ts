/** The fields a profile CSV can carry; `name` is for people reading the sheet and is not imported. */
export type ProfileColumn = 'externalUserId' | 'name' | 'birthday' | 'age' | 'region' | 'occupation' | 'employer' | 'interests' | 'note';

/** How each field is named in the report, in Chinese and English. */
export const COLUMN_LABELS: Readonly<Record<ProfileColumn, string>> = {
  externalUserId: '客户ID external_userid',
  name: '姓名 name',
  birthday: '生日 birthday',
  age: '年龄 age',
  region: '地区 region',
  occupation: '职业 occupation',
  employer: '单位 employer',
  interests: '兴趣 interests',
  note: '备注 note',
};

/** Header names teams use, Chinese and English, compared after normalizeHeader. */
const ALIASES: Readonly<Record<ProfileColumn, readonly string[]>> = {
  externalUserId: ['external_userid', 'externaluserid', 'external_user_id', '客户id', '外部联系人id', '客户编号'],
  name: ['name', '姓名', '客户姓名', '名字', '客户名称', '客户'],
  birthday: ['birthday', '生日', '出生日期'],
  age: ['age', '年龄'],
  region: ['region', '地区', '城市', '所在地', '所在地区'],
  occupation: ['occupation', '职业'],
  employer: ['employer', '单位', '工作单位', '公司'],
  interests: ['interests', 'interest', '兴趣', '兴趣爱好', '爱好'],
  note: ['note', 'notes', '备注'],
};

const BY_ALIAS = new Map<string, ProfileColumn>(
  (Object.entries(ALIASES) as [ProfileColumn, readonly string[]][]).flatMap(([column, names]) => names.map((n) => [n, column] as const)),
);

/** Full-width letters and spaces (common in Chinese sheets) folded, case and spaces ignored. */
export function normalizeHeader(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** The field a header names, or null for a column Fenji does not import. */
export function columnOf(header: string): ProfileColumn | null {
  return BY_ALIAS.get(normalizeHeader(header)) ?? null;
}
