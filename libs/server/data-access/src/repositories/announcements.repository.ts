import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ANNOUNCEMENT_MODEL, type AnnouncementDocument } from '../schemas/announcement.schema';
import { type Page, type PageRequest, pageWindow } from './page';

/** Announcements are instance-wide, so these queries are unscoped by design: no tenant owns them. */
@Injectable()
export class AnnouncementsRepository {
  constructor(@InjectModel(ANNOUNCEMENT_MODEL) private readonly announcements: Model<AnnouncementDocument>) {}

  async listUnscoped(request: PageRequest, order: 'asc' | 'desc'): Promise<Page<AnnouncementDocument>> {
    const { skip, limit } = pageWindow(request);
    const direction = order === 'asc' ? 1 : -1;
    const [items, total] = await Promise.all([
      this.announcements.find({}).sort({ date: direction, uuid: direction }).skip(skip).limit(limit).lean().exec(),
      this.announcements.countDocuments({}).exec(),
    ]);
    return { items, total };
  }

  async findByUuidUnscoped(uuid: string): Promise<AnnouncementDocument | null> {
    return this.announcements.findOne({ uuid }).lean().exec();
  }

  async createUnscoped(input: { title: string; content: string; date?: Date }): Promise<AnnouncementDocument> {
    const created = await this.announcements.create({ uuid: randomUUID(), date: input.date ?? new Date(), title: input.title, content: input.content });
    return created.toObject();
  }
}
