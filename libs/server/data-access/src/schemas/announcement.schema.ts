import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const ANNOUNCEMENT_MODEL = 'Announcement';

/** A notice an instance administrator posts to every user; it belongs to no tenant. */
export interface AnnouncementDocument {
  uuid: string;
  title: string;
  /** Markdown. */
  content: string;
  date: Date;
  created_at?: Date;
  updated_at?: Date;
}

export const announcementSchema = new Schema<AnnouncementDocument>(
  {
    uuid: { type: String, required: true },
    title: { type: String, required: true },
    content: { type: String, required: true },
    date: { type: Date, required: true },
  },
  documentSchemaOptions('announcements'),
);
announcementSchema.index({ uuid: 1 }, { unique: true });
announcementSchema.index({ date: -1 });
