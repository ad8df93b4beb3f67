import { imageFileProblem, MAX_IMAGE_BYTES } from '../src/lib/imageUpload';

describe('imageFileProblem', () => {
  it('takes PNG, JPEG and WebP photos up to 2 MB', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp'])
      expect(imageFileProblem({ type, size: 1000 })).toBeNull();
    expect(imageFileProblem({ type: 'image/png', size: MAX_IMAGE_BYTES })).toBeNull();
  });

  it('says why a file cannot be a shelf photo', () => {
    expect(imageFileProblem({ type: 'image/svg+xml', size: 10 })).toBe('只支持 PNG、JPG、WebP 图片');
    expect(imageFileProblem({ type: 'application/pdf', size: 10 })).toBe('只支持 PNG、JPG、WebP 图片');
    expect(imageFileProblem({ type: 'image/png', size: MAX_IMAGE_BYTES + 1 })).toBe(
      '图片不能超过 2 MB，请压缩后再传',
    );
    expect(imageFileProblem({ type: 'image/jpeg', size: 0 })).toBe('图片是空的，请换一张');
  });
});
