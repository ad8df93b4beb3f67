import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { StaffRole } from '@allycard/contracts';

export class PasswordLoginDto {
  @ApiProperty({ example: 'coffee' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'clerk123' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  password: string;
}

export class CreateStaffDto {
  @ApiProperty({ example: 'coffee2', description: 'letters, digits, _ . - ; unique in the deployment' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'username must be 3–64 letters, digits, _ . or -' })
  username: string;

  @ApiProperty({ example: 'a-strong-password' })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiProperty({ enum: ['clerk', 'merchant_admin'] })
  @IsIn(['clerk', 'merchant_admin'])
  role: StaffRole;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'the refreshToken of the last login or refresh' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  refreshToken: string;
}

export class ResetPasswordDto {
  @ApiProperty({ example: 'a-new-strong-password' })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;
}
