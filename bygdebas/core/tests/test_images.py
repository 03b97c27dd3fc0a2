"""Images: real files made with Pillow, processed, stored, read back and checked byte by byte."""

from __future__ import annotations

import datetime
import io
import shutil
import struct
import tempfile
import zlib
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template import Context, Template
from django.test import TestCase, override_settings
from PIL import ExifTags, ImageCms, ImageFile
from PIL import Image as PILImage
from PIL.PngImagePlugin import PngInfo

from bygdebas.core import images
from bygdebas.core.models import Image, User
from bygdebas.testing import CastMixin, sv

GPS_LATITUDE = (59.0, 16.0, 30.0)


def photo_with_gps(size: tuple[int, int] = (2400, 1200), *, orientation: int = 1) -> bytes:
    """A JPEG like a phone's: EXIF with camera, owner and GPS position, XMP, a comment, ICC."""
    image = PILImage.new("RGB", size, (180, 40, 40))
    image.paste((20, 60, 200), (0, 0, size[0] // 2, size[1] // 2))  # a blue top-left corner
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "SecretPhoneMaker"
    exif[ExifTags.Base.Artist] = "Anna Andersson"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (15.0, 12.0, 0.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(
        out,
        "JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SecretXmpPlace</x:xmpmeta>',
        comment=b"SecretComment",
        icc_profile=icc,
    )
    data = out.getvalue()
    # The fixture really carries what must go: otherwise the test below proves nothing.
    reread = PILImage.open(io.BytesIO(data))
    assert reread.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == GPS_LATITUDE
    assert b"SecretXmpPlace" in data and b"SecretComment" in data and b"SecretPhoneMaker" in data
    return data


def png_bytes(image: PILImage.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **params)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    data = bytearray(png_bytes(PILImage.new("L", (8, 8))))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def read_back(name: str) -> tuple[bytes, PILImage.Image]:
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    return data, PILImage.open(io.BytesIO(data))


class StorageMixin:
    """A media folder of its own per test, so that "nothing was stored" can be checked."""

    def setUp(self) -> None:
        super().setUp()
        self.media = tempfile.mkdtemp(prefix="bygdebas-images-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        settings = override_settings(MEDIA_ROOT=self.media)
        settings.enable()
        self.addCleanup(settings.disable)

    def stored_files(self) -> list[str]:
        return sorted(
            str(p.relative_to(self.media)) for p in Path(self.media).rglob("*") if p.is_file()
        )


class ProcessingTests(StorageMixin, CastMixin, TestCase):
    def assert_refused(self, data: bytes, code: str, message: str) -> None:
        with self.assertRaises(ValidationError) as caught:
            images.save_image(network=self.network_a, image=data, alt_text="En bild")
        self.assertEqual(caught.exception.code, code)
        self.assertIn(message, " ".join(caught.exception.messages))
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(Image.objects.exists())

    def test_it_strips_the_gps_position_and_every_other_detail_from_every_size(self) -> None:
        image = images.save_image(
            network=self.network_a, image=photo_with_gps(), alt_text="Byskolan i vinterljus"
        )
        self.assertEqual([r["width"] for r in image.renditions], [480, 960, 1600])
        for rendition in image.renditions:
            data, stored = read_back(rendition["name"])
            with self.subTest(width=rendition["width"]):
                self.assertEqual(stored.format, "JPEG")
                self.assertEqual(stored.size, (rendition["width"], rendition["height"]))
                self.assertEqual(dict(stored.getexif()), {})
                self.assertEqual(stored.getexif().get_ifd(ExifTags.IFD.GPSInfo), {})
                for key in ("exif", "xmp", "comment", "icc_profile", "photoshop"):
                    self.assertNotIn(key, stored.info)
                for secret in (
                    b"Exif",
                    b"SecretPhoneMaker",
                    b"Anna Andersson",
                    b"SecretXmp",
                    b"SecretComment",
                    b"ICC_PROFILE",
                    b"http://ns.adobe.com",
                ):
                    self.assertNotIn(secret, data)
        self.assertEqual((image.width, image.height), (2400, 1200))
        self.assertEqual(image.format, Image.Format.JPEG)
        self.assertEqual(image.alt_text, "Byskolan i vinterljus")

    def test_it_turns_the_picture_upright_by_its_exif_orientation(self) -> None:
        # Orientation 6: the camera was turned; the picture is to be rotated 90° clockwise.
        image = images.save_image(
            network=self.network_a, image=photo_with_gps((800, 400), orientation=6), alt_text="x"
        )
        self.assertEqual((image.width, image.height), (400, 800))
        _data, stored = read_back(image.renditions[-1]["name"])
        self.assertEqual(stored.size, (400, 800))
        # The blue corner was top-left; turned clockwise it is top-right.
        red, _green, blue = stored.convert("RGB").getpixel((380, 20))
        self.assertGreater(blue, 150)
        self.assertLess(red, 80)

    def test_it_never_makes_a_picture_larger_than_it_was(self) -> None:
        small = images.process_image(png_bytes(PILImage.new("RGB", (300, 200), "white")))
        self.assertEqual([(r.width, r.height) for r in small.renditions], [(300, 200)])
        middle = images.process_image(png_bytes(PILImage.new("RGB", (700, 350), "white")))
        self.assertEqual([(r.width, r.height) for r in middle.renditions], [(480, 240), (700, 350)])

    def test_it_drops_the_text_chunks_of_a_png(self) -> None:
        info = PngInfo()
        info.add_text("Author", "SecretAuthor")
        info.add_itxt("Description", "SecretPlace Örebro", lang="sv")
        info.add_text("GPS", "59.27,15.21", zip=True)
        exif = PILImage.Exif()
        exif[ExifTags.Base.Make] = "SecretPngCamera"
        data = png_bytes(
            PILImage.new("RGBA", (600, 300), (10, 20, 30, 128)), pnginfo=info, exif=exif
        )
        self.assertIn(b"tEXt", data)
        image = images.save_image(network=self.network_a, image=data, alt_text="Karta")
        self.assertEqual(image.format, Image.Format.PNG)
        for rendition in image.renditions:
            stored_data, stored = read_back(rendition["name"])
            self.assertEqual(stored.mode, "RGBA")
            self.assertEqual(getattr(stored, "text", {}), {})
            for chunk in (
                b"tEXt",
                b"iTXt",
                b"zTXt",
                b"eXIf",
                b"iCCP",
                b"SecretAuthor",
                b"SecretPng",
            ):
                self.assertNotIn(chunk, stored_data)

    def test_cmyk_palette_alpha_and_16_bit_images_come_out_sensibly(self) -> None:
        cmyk = PILImage.new("CMYK", (100, 100), (0, 255, 255, 0))  # red in print colours
        out = io.BytesIO()
        cmyk.save(out, "JPEG")
        palette = PILImage.new("P", (100, 100), 0)
        palette.putpalette([0, 128, 0])
        transparent = PILImage.new("P", (100, 100), 0)
        transparent.putpalette([255, 0, 0, 0, 0, 255])
        transparent.info["transparency"] = 0
        transparent.paste(1, (0, 0, 50, 100))
        grey16 = PILImage.new("I;16", (100, 100), 32768)
        cases = {
            "cmyk": (out.getvalue(), "jpeg", "RGB", (255, 0, 0)),
            "palette": (png_bytes(palette), "jpeg", "RGB", (0, 128, 0)),
            "palette with transparency": (png_bytes(transparent), "png", "RGBA", (0, 0, 255, 255)),
            "opaque alpha": (
                png_bytes(PILImage.new("RGBA", (100, 100), (9, 9, 9, 255))),
                "jpeg",
                "RGB",
                (9, 9, 9),
            ),
            "grey and alpha": (
                png_bytes(PILImage.new("LA", (100, 100), (50, 10))),
                "png",
                "RGBA",
                (50, 50, 50, 10),
            ),
            "16-bit grey": (png_bytes(grey16), "jpeg", "L", 128),
        }
        for label, (data, fmt, mode, pixel) in cases.items():
            with self.subTest(label):
                processed = images.process_image(data)
                self.assertEqual(processed.format, fmt)
                stored = PILImage.open(io.BytesIO(processed.renditions[0].data))
                self.assertEqual(stored.mode, mode)
                found = stored.getpixel((10, 10))
                expected = pixel if isinstance(pixel, tuple) else (pixel,)
                found = found if isinstance(found, tuple) else (found,)
                for got, want in zip(found, expected, strict=True):
                    self.assertAlmostEqual(got, want, delta=6)
        half = PILImage.open(
            io.BytesIO(images.process_image(png_bytes(transparent)).renditions[0].data)
        )
        self.assertEqual(half.getpixel((90, 50))[3], 0)  # still see-through where it was

    def test_it_refuses_a_file_that_is_not_an_image(self) -> None:
        self.assert_refused(b"%PDF-1.7 not a picture at all", "not_image", "inte en bild")
        self.assert_refused(
            b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            "not_image",
            "JPEG, PNG, WebP eller GIF",
        )

    def test_it_refuses_a_format_it_does_not_accept(self) -> None:
        out = io.BytesIO()
        PILImage.new("RGB", (10, 10)).save(out, "BMP")
        self.assert_refused(out.getvalue(), "unsupported_format", "BMP")

    def test_it_refuses_a_truncated_image(self) -> None:
        # WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on when imported; uploads ignore it.
        import weasyprint  # noqa: F401

        self.assertTrue(ImageFile.LOAD_TRUNCATED_IMAGES)
        jpeg = photo_with_gps((600, 400))
        self.assert_refused(jpeg[: len(jpeg) // 2], "broken", "skadad eller ofullständig")
        png = png_bytes(PILImage.effect_noise((300, 300), 50))
        self.assert_refused(png[: len(png) // 2], "broken", "skadad eller ofullständig")

    def test_it_refuses_a_decompression_bomb_before_decoding_it(self) -> None:
        # 30,000 × 30,000 = 900 megapixels in a file of a few dozen bytes.
        self.assert_refused(png_declaring(30_000, 30_000), "bomb", "50 megapixel")
        # Under Pillow's own limit but over ours: refused from the header, with the size given.
        # Were it decoded, its few bytes of pixel data would make it "broken" instead.
        self.assert_refused(png_declaring(8000, 8000), "too_many_pixels", "8000 × 8000")

    @override_settings(BYGDEBAS_MAX_IMAGE_PIXELS=1_000_000)
    def test_the_pixel_limit_is_a_setting(self) -> None:
        self.assert_refused(
            png_bytes(PILImage.new("L", (1001, 1000))), "too_many_pixels", "1 megapixel"
        )

    @override_settings(BYGDEBAS_MAX_IMAGE_BYTES=10_000)
    def test_it_refuses_a_file_that_is_too_large(self) -> None:
        data = photo_with_gps((1200, 800))
        self.assertGreater(len(data), 10_000)
        self.assert_refused(data, "too_large", "för stor")
        upload = SimpleUploadedFile("big.jpg", data, content_type="image/jpeg")
        with self.assertRaises(ValidationError) as caught:
            images.process_image(upload)
        self.assertEqual(caught.exception.code, "too_large")

    def test_it_refuses_an_empty_file_and_missing_alt_text(self) -> None:
        self.assert_refused(b"", "empty", "tom")
        with self.assertRaises(ValidationError) as caught:
            images.save_image(network=self.network_a, image=photo_with_gps((50, 50)), alt_text="  ")
        self.assertIn(
            sv("Describe the picture in a few words for those who cannot see it."),
            caught.exception.messages,
        )
        self.assertEqual(self.stored_files(), [])

    def test_files_are_removed_when_the_row_cannot_be_saved(self) -> None:
        unsaved = User(email="nobody@example.org")
        with self.assertRaises(ValueError):
            images.save_image(
                network=self.network_a,
                image=photo_with_gps((600, 300)),
                alt_text="x",
                uploaded_by=unsaved,
            )
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(Image.objects.exists())

    def test_deleting_the_row_deletes_its_files_once_committed(self) -> None:
        image = images.save_image(
            network=self.network_a, image=photo_with_gps((1000, 500)), alt_text="x"
        )
        self.assertEqual(len(self.stored_files()), 3)
        with self.captureOnCommitCallbacks(execute=True):
            images.delete_image(image=image)
        self.assertEqual(self.stored_files(), [])

    def test_the_sweep_removes_files_a_rolled_back_transaction_left(self) -> None:
        kept = images.save_image(
            network=self.network_a, image=photo_with_gps((600, 300)), alt_text="x"
        )
        with self.assertRaises(RuntimeError), transaction.atomic():
            images.save_image(
                network=self.network_a, image=photo_with_gps((600, 300)), alt_text="y"
            )
            raise RuntimeError("the app's next step failed")
        self.assertEqual(Image.objects.count(), 1)
        self.assertEqual(len(self.stored_files()), 4)
        self.assertEqual(images.sweep_orphan_files(older_than=datetime.timedelta(hours=1)), [])
        removed = images.sweep_orphan_files(older_than=datetime.timedelta(0))
        self.assertEqual(len(removed), 2)
        self.assertEqual(self.stored_files(), sorted(kept.file_names))


class ImageViewTests(StorageMixin, CastMixin, TestCase):
    def test_a_stored_size_is_served_on_its_own_network_only(self) -> None:
        image = images.save_image(
            network=self.network_a, image=photo_with_gps((1000, 500)), alt_text="x"
        )
        url = image.url_for(480)
        response = self.as_anonymous().get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")
        self.assertIn("immutable", response["Cache-Control"])
        body = b"".join(response.streaming_content)
        self.assertEqual(body, read_back(image.renditions[0]["name"])[0])
        self.assertEqual(self.as_david().get(url).status_code, 404)
        self.assertEqual(self.as_anonymous().get(image.url_for(500)).status_code, 404)

    def test_the_template_tag_renders_a_responsive_img(self) -> None:
        image = images.save_image(
            network=self.network_a, image=photo_with_gps((2000, 1000)), alt_text='Byn "Ösby" & sjön'
        )
        html = Template('{% load images %}{% responsive_image image sizes="50vw" %}').render(
            Context({"image": image})
        )
        self.assertIn(f'src="{image.url_for(960)}"', html)
        self.assertIn(
            f'srcset="{image.url_for(480)} 480w, {image.url_for(960)} 960w, {image.url_for(1600)} 1600w"',
            html,
        )
        self.assertIn('sizes="50vw"', html)
        self.assertIn('alt="Byn &quot;Ösby&quot; &amp; sjön"', html)
        self.assertIn('width="960" height="480" loading="lazy"', html)
        self.assertEqual(
            Template("{% load images %}{% responsive_image None %}").render(Context()).strip(), ""
        )


class PhotoForm(images.ImageFormMixin, forms.Form):
    title = forms.CharField()


class RequiredPhotoForm(PhotoForm):
    image_required = True


class ImageFormTests(StorageMixin, TestCase):
    def form(
        self, data: bytes | None, alt: str = "", cls: type[PhotoForm] = PhotoForm
    ) -> PhotoForm:
        files = {"image": SimpleUploadedFile("foto.jpg", data)} if data is not None else {}
        return cls({"title": "Byskolan", "image_alt": alt}, files)

    def test_a_sound_image_with_alt_text_cleans_to_a_processed_image(self) -> None:
        form = self.form(photo_with_gps((700, 400)), alt="Skolgården")
        self.assertTrue(form.is_valid(), form.errors)
        self.assertIsInstance(form.cleaned_data["image"], images.ProcessedImage)
        self.assertEqual(self.stored_files(), [])  # the service stores it, not the form
        self.assertIn('accept="image/jpeg,image/png,image/webp,image/gif"', str(form["image"]))

    def test_errors_are_in_swedish_on_the_right_field(self) -> None:
        form = self.form(photo_with_gps((100, 100)))
        self.assertFalse(form.is_valid())
        self.assertEqual(
            form.errors["image_alt"],
            [sv("Describe the picture in a few words for those who cannot see it.")],
        )
        form = self.form(b"GIF89a but not really", alt="x")
        self.assertFalse(form.is_valid())
        self.assertIn("inte en bild", form.errors["image"][0])
        form = self.form(None, cls=RequiredPhotoForm)
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["image"], [sv("Choose an image to upload.")])
        self.assertTrue(self.form(None).is_valid())
