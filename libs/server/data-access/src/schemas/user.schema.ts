import { Schema } from 'mongoose';
import { documentSchemaOptions } from './schema-options';

export const USER_MODEL = 'User';

export interface UserDocument {
  id: string;
  name: string;
  username: string;
  email: string;
  password_hash: string;
  status: 'confirmed' | 'not-confirmed' | 'invited';
  max_namespaces: number;
  created_at?: Date;
  updated_at?: Date;
}

export const userSchema = new Schema<UserDocument>(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    username: { type: String, required: true },
    email: { type: String, required: true },
    password_hash: { type: String, required: true },
    status: { type: String, required: true, enum: ['confirmed', 'not-confirmed', 'invited'] },
    max_namespaces: { type: Number, required: true, default: -1 },
  },
  documentSchemaOptions('users'),
);
userSchema.index({ id: 1 }, { unique: true });
userSchema.index({ username: 1 }, { unique: true });
userSchema.index({ email: 1 }, { unique: true });
