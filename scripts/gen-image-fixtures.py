"""Image fixtures for test/detectron2: small JPEG/PNG files in every layout our decoders handle,
each with Pillow's decode (Image.open(p).convert('RGB'), EXIF orientation applied the way
detectron2's read_image does) as <name>.rgb.npy, plus Pillow BILINEAR resizes of one image.
Run with /usr/bin/python3 (Pillow + numpy): python3 scripts/gen-image-fixtures.py"""
import io, os
import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'detectron2')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(7)

def scene(h, w):
    """Smooth colour ramps plus sharp-edged shapes and noise: exercises chroma upsampling edges."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.stack([x / w * 255, y / h * 255, (x + y) / (w + h) * 255], -1)
    img[(x - w * 0.4) ** 2 + (y - h * 0.5) ** 2 < (min(h, w) * 0.3) ** 2] = [250, 20, 40]
    img[int(h * 0.1):int(h * 0.4), int(w * 0.6):int(w * 0.9)] = [10, 200, 255]
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)

TRANSPOSE = {2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM, 5: Image.TRANSPOSE,
             6: Image.ROTATE_270, 7: Image.TRANSVERSE, 8: Image.ROTATE_90}

def reference(path):
    im = Image.open(path)
    o = im.getexif().get(0x0112, 1)
    if o in TRANSPOSE: im = im.transpose(TRANSPOSE[o])
    return np.asarray(im.convert('RGB'))

def save(name, im, **kw):
    p = os.path.join(OUT, name)
    im.save(p, **kw)
    np.save(p + '.rgb.npy', reference(p))

base = Image.fromarray(scene(23, 37))
save('q90_420.jpg', base, quality=90, subsampling=2)
save('q75_422.jpg', base, quality=75, subsampling=1)
save('q95_444.jpg', base, quality=95, subsampling=0)
save('progressive_420.jpg', Image.fromarray(scene(41, 29)), quality=85, subsampling=2, progressive=True)
save('progressive_444.jpg', base, quality=60, subsampling=0, progressive=True)
save('grey.jpg', base.convert('L'), quality=80)
save('tiny_2x3.jpg', Image.fromarray(scene(3, 2)), quality=90, subsampling=2)
save('cmyk.jpg', base.convert('CMYK'), quality=90)
exif = Image.Exif(); exif[0x0112] = 6
save('exif6.jpg', base, quality=90, exif=exif.tobytes())
exif8 = Image.Exif(); exif8[0x0112] = 8
save('exif8.png', base, exif=exif8.tobytes())
save('rgb.png', base)
save('rgba.png', base.convert('RGBA'))
save('palette.png', base.convert('P'))
save('grey.png', base.convert('L'))
save('grey_alpha.png', base.convert('LA'))
save('bilevel.png', base.convert('1'))
a16 = (np.asarray(base.convert('L')).astype(np.uint16) * 3)
save('grey16.png', Image.fromarray(a16.astype(np.uint16), 'I;16'))

# Pillow BILINEAR resizes of the 23x37 scene: down, up and mixed, odd sizes.
src = np.asarray(base)
for (h, w) in [(11, 17), (50, 81), (30, 20)]:
    np.save(os.path.join(OUT, f'resize_{h}x{w}.npy'), np.asarray(base.resize((w, h), Image.BILINEAR)))
np.save(os.path.join(OUT, 'resize_src.npy'), src)
print(sorted(os.listdir(OUT)))
