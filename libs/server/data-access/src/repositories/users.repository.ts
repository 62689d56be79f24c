import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, UpdateQuery } from 'mongoose';
import { USER_MODEL, type UserDocument } from '../schemas/user.schema';

/** Users are global identities, not tenant-owned: every lookup names the user it wants. */
@Injectable()
export class UsersRepository {
  constructor(@InjectModel(USER_MODEL) private readonly model: Model<UserDocument>) {}

  async create(user: Omit<UserDocument, 'created_at' | 'updated_at'>): Promise<UserDocument> {
    const created = await this.model.create(user);
    return created.toObject() as UserDocument;
  }

  async findById(id: string): Promise<UserDocument | null> {
    return this.model.findOne({ id: String(id) }).lean<UserDocument>().exec();
  }

  /**
   * The user an identifier names, as ShellHub's login reads it: an identifier with an "@" is an e-mail address
   * first, anything else a username. Never "whichever comes first": a username equal to someone's address (allowed
   * before usernames lost their "@") must not capture that person's logins and recovery mails.
   */
  async findByUsernameOrEmail(identifier: string): Promise<UserDocument | null> {
    const value = String(identifier).toLowerCase();
    if (value.includes('@')) {
      const byEmail = await this.model.findOne({ email: value }).lean<UserDocument>().exec();
      if (byEmail) return byEmail;
    }
    return this.model.findOne({ username: value }).lean<UserDocument>().exec();
  }

  /** Every user whose username or e-mail address is `value`: usernames and addresses share one namespace. */
  async findHoldersOf(value: string): Promise<UserDocument[]> {
    const wanted = String(value).toLowerCase();
    return this.model
      .find({ $or: [{ username: wanted }, { email: wanted }] })
      .limit(3)
      .lean<UserDocument[]>()
      .exec();
  }

  /** Applies `update` to the user with `id` and answers the user as it is afterwards, or null when there is none. */
  async updateById(id: string, update: UpdateQuery<UserDocument>): Promise<UserDocument | null> {
    return this.model
      .findOneAndUpdate({ id: String(id) }, update, { new: true, runValidators: true })
      .lean<UserDocument>()
      .exec();
  }

  /** Grants or revokes instance administration (the CLI's `admin` command); null when there is no such user. */
  async setAdminByUsername(username: string, admin: boolean): Promise<UserDocument | null> {
    return this.model
      .findOneAndUpdate({ username: String(username).toLowerCase() }, { $set: { admin } }, { new: true })
      .lean<UserDocument>()
      .exec();
  }

  async deleteById(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ id: String(id) }).exec();
    return result.deletedCount > 0;
  }
}
