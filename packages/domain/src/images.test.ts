import { shelfImageProblem, SHELF_IMAGE_MAX_BYTES } from './images';

describe('shelfImageProblem', () => {
  it('takes PNG, JPEG and WebP photos up to 2 MB', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp'])
      expect(shelfImageProblem({ type, size: 1000 })).toBeNull();
    expect(shelfImageProblem({ type: 'image/png', size: SHELF_IMAGE_MAX_BYTES })).toBeNull();
  });

  it('says why a file cannot be a shelf photo', () => {
    expect(shelfImageProblem({ type: 'image/svg+xml', size: 10 })).toBe('只支持 PNG、JPG、WebP 图片');
    expect(shelfImageProblem({ type: 'application/pdf', size: 10 })).toBe('只支持 PNG、JPG、WebP 图片');
    expect(shelfImageProblem({ type: 'image/png', size: SHELF_IMAGE_MAX_BYTES + 1 })).toBe(
      '图片不能超过 2 MB，请压缩后再传',
    );
    expect(shelfImageProblem({ type: 'image/jpeg', size: 0 })).toBe('图片是空的，请换一张');
  });
});
