import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { USER_MODEL, type UserDocument } from '../schemas/user.schema';

/** Facts about the installation as a whole, which belong to no tenant. */
@Injectable()
export class SystemStateRepository {
  constructor(@InjectModel(USER_MODEL) private readonly users: Model<UserDocument>) {}

  /** An installation is set up once it has a user (ShellHub's `system.setup`). */
  async isSetUp(): Promise<boolean> {
    return (await this.users.exists({}).exec()) !== null;
  }
}
