import { Injectable } from '@nestjs/common';
import { AnnouncementsRepository, type AnnouncementDocument, type Page } from '@fleetgate/data-access';
import { AppException } from '@fleetgate/errors';
import type { AnnouncementResponseDto, AnnouncementShortResponseDto } from './announcement.dto';

@Injectable()
export class AnnouncementsService {
  constructor(private readonly announcements: AnnouncementsRepository) {}

  async list(page: number, perPage: number, order: 'asc' | 'desc'): Promise<Page<AnnouncementShortResponseDto>> {
    const found = await this.announcements.listUnscoped({ page, perPage }, order);
    return { total: found.total, items: found.items.map(({ uuid, title, date }) => ({ uuid, title, date: date.toISOString() })) };
  }

  async get(uuid: string): Promise<AnnouncementResponseDto> {
    const found = await this.announcements.findByUuidUnscoped(uuid);
    if (!found) throw AppException.notFound('announcement');
    return map(found);
  }

  async post(title: string, content: string): Promise<AnnouncementResponseDto> {
    return map(await this.announcements.createUnscoped({ title, content }));
  }
}

function map({ uuid, title, content, date }: AnnouncementDocument): AnnouncementResponseDto {
  return { uuid, title, content, date: date.toISOString() };
}
