/** ShellHub's JSON uses snake_case timestamps; documents carry no mongoose version key; unknown fields are errors. */
export function documentSchemaOptions(collection: string) {
  return {
    collection,
    timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' },
    versionKey: false as const,
    strict: 'throw' as const,
  };
}
