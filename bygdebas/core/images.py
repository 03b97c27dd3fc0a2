"""Uploaded images: checked, turned upright, resized, stripped of all metadata, then stored.

``process_image`` does the work in memory and raises a ``ValidationError`` with a clear message
for anything that is not a sound picture of a sensible size; nothing has been stored by then.
``save_image`` stores a processed (or raw) upload through Django's default storage and creates
the ``core.Image`` row. Forms use ``ImageFormMixin``, templates ``{% responsive_image %}``.

Every stored size is re-encoded from the bare pixels: no EXIF (so no GPS position, camera or
owner), no XMP, no comments, no text chunks, no ICC profile (colours are converted to sRGB first,
which is what a browser assumes without a profile).
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
import uuid
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from bygdebas.core.models_images import Image

if TYPE_CHECKING:
    import datetime

    from bygdebas.core.models import Network, User

logger = logging.getLogger(__name__)

# Pillow's format name -> what we call it in messages. MPO is the multi-picture JPEG some cameras
# write; its first picture is an ordinary JPEG.
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/gif"
JPEG_QUALITY = 82
STORAGE_PREFIX = "images"

MESSAGES = {
    "empty": _("The file is empty."),
    "too_large": _("The image is too large (%(size)s). The largest allowed is %(limit)s."),
    "not_image": _("The file is not an image. Upload a photo in JPEG, PNG, WebP or GIF format."),
    "unsupported_format": _(
        "Images in %(format)s format cannot be used. Upload a photo in JPEG, PNG, WebP or GIF format."
    ),
    "too_many_pixels": _(
        "The image is too large in pixels (%(width)s × %(height)s). The largest allowed is "
        "%(limit)s megapixels."
    ),
    "bomb": _("The image is far too large in pixels. The largest allowed is %(limit)s megapixels."),
    "broken": _("The image is damaged or incomplete and cannot be read. Try saving it again."),
    "alt_required": _("Describe the picture in a few words for those who cannot see it."),
}


def _error(code: str, **params: Any) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


@dataclass(frozen=True)
class Rendition:
    """One stored size, encoded and free of metadata."""

    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class ProcessedImage:
    """An upload that passed every check, ready for ``save_image``."""

    width: int
    height: int
    format: str  # Image.Format: "jpeg" or "png"
    renditions: tuple[Rendition, ...]

    @property
    def extension(self) -> str:
        return "jpg" if self.format == Image.Format.JPEG else "png"


def _read_upload(upload: IO[bytes] | bytes, max_bytes: int) -> bytes:
    """The upload's bytes, refusing a file over ``max_bytes`` without reading all of it."""
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes:
            raise _error("too_large", size=filesizeformat(size), limit=filesizeformat(max_bytes))
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _error("too_large", size=filesizeformat(len(data)), limit=filesizeformat(max_bytes))
    if not data:
        raise _error("empty")
    return data


def _open(data: bytes, max_pixels: int) -> PILImage.Image:
    """The image with its header read and checked, not yet decoded."""
    try:
        image = PILImage.open(io.BytesIO(data))
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _error("bomb", limit=max(max_pixels // 1_000_000, 1)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _error("not_image") from None
    if image.format not in ACCEPTED_FORMATS:
        raise _error("unsupported_format", format=image.format or "?")
    width, height = image.size
    if width < 1 or height < 1:
        raise _error("broken")
    # The header's dimensions, checked before a single pixel is decoded.
    if width * height > max_pixels:
        raise _error(
            "too_many_pixels", width=width, height=height, limit=max(max_pixels // 1_000_000, 1)
        )
    return image


# WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES when it is imported (for PDFs), which
# would let a truncated upload through as a half-grey picture. Uploads are decoded with it off;
# the lock keeps two uploads from restoring it under each other.
_strict_decoding = threading.Lock()


@contextlib.contextmanager
def _refusing_truncated_files() -> Iterator[None]:
    with _strict_decoding:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode(data: bytes, max_pixels: int) -> PILImage.Image:
    """The first frame, fully decoded; any damage is an error, not a half-grey picture."""
    with _refusing_truncated_files():
        # verify() checks the file's structure (PNG checksums, …) but leaves it unusable.
        _open(data, max_pixels).verify()
        image = _open(data, max_pixels)
        image.load()
    return image


def _to_srgb(image: PILImage.Image) -> PILImage.Image:
    """The pixels in sRGB (or greyscale), with or without alpha, in one of L, RGB or RGBA."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in {"RGB", "RGBA", "CMYK", "L"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
            if image.mode == "L":
                out_mode = "RGB"
            converted = ImageCms.profileToProfile(image, source, target, outputMode=out_mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A broken or unusual profile: fall back to the plain conversion below.
            logger.info("Ignoring an unusable ICC profile in an uploaded image")
    if image.mode in {"I;16", "I;16B", "I;16L", "I;16N", "I"}:
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F" or image.mode == "1":
        image = image.convert("L")
    elif image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode in {"LA", "La", "PA", "RGBa"}:
        image = image.convert("RGBA")
    elif image.mode not in {"L", "RGB", "RGBA"}:
        image = image.convert("RGB")  # CMYK, YCbCr, LAB, HSV
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")  # an alpha channel that hides nothing
    return image


def _target_widths(width: int, widths: Iterable[int]) -> list[int]:
    """The widths to store: the configured ones narrower than the picture, and at most its own."""
    wanted = sorted({w for w in widths if w > 0})
    largest = min(width, wanted[-1]) if wanted else width
    return sorted({w for w in wanted if w < largest} | {largest})


def _encode(image: PILImage.Image, fmt: str) -> bytes:
    # A new image from the bare pixels: nothing of the original's info (EXIF, XMP, ICC,
    # comments, text chunks) can travel along into the saved file.
    bare = PILImage.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if fmt == Image.Format.JPEG:
        bare.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        bare.save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def process_image(
    upload: IO[bytes] | bytes,
    *,
    max_bytes: int | None = None,
    max_pixels: int | None = None,
    widths: Iterable[int] | None = None,
) -> ProcessedImage:
    """Check, orient, convert, resize and re-encode an upload; ValidationError if it is unfit."""
    max_bytes = max_bytes or settings.BYGDEBAS_MAX_IMAGE_BYTES
    max_pixels = max_pixels or settings.BYGDEBAS_MAX_IMAGE_PIXELS
    widths = tuple(widths or settings.BYGDEBAS_IMAGE_WIDTHS)
    data = _read_upload(upload, max_bytes)
    with warnings.catch_warnings():
        # Pillow's own bomb check only warns below twice its limit: make it an error too.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = _decode(data, max_pixels)
            image = ImageOps.exif_transpose(image) or image
            image = _to_srgb(image)
        except ValidationError:
            raise
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _error("bomb", limit=max(max_pixels // 1_000_000, 1)) from None
        except Exception:
            # Pillow reports damaged files with many exception types (OSError, SyntaxError,
            # ValueError, struct.error, IndexError, EOFError…); each means "cannot be read".
            logger.info("An uploaded image could not be decoded", exc_info=True)
            raise _error("broken") from None
    fmt = Image.Format.PNG if image.mode == "RGBA" else Image.Format.JPEG
    width, height = image.size
    renditions = []
    for target in _target_widths(width, widths):
        if target == width:
            resized = image
        else:
            target_height = max(1, round(height * target / width))
            resized = image.resize(
                (target, target_height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
            )
        renditions.append(Rendition(target, resized.height, _encode(resized, fmt)))
    return ProcessedImage(width=width, height=height, format=fmt, renditions=tuple(renditions))


def _store(prefix: str, processed: ProcessedImage) -> list[dict[str, Any]]:
    stored: list[dict[str, Any]] = []
    try:
        for rendition in processed.renditions:
            wanted = f"{prefix}/{rendition.width}.{processed.extension}"
            name = default_storage.save(wanted, ContentFile(rendition.data))
            stored.append({"width": rendition.width, "height": rendition.height, "name": name})
    except BaseException:
        _delete_files(entry["name"] for entry in stored)
        raise
    return stored


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored image file %s", name, exc_info=True)


def save_image(
    *,
    network: Network,
    image: ProcessedImage | IO[bytes] | bytes,
    alt_text: str,
    uploaded_by: User | None = None,
) -> Image:
    """Store an image (processing it first if it is a raw upload) and create its row."""
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError({"alt_text": MESSAGES["alt_required"]}, code="alt_required")
    processed = image if isinstance(image, ProcessedImage) else process_image(image)
    key = uuid.uuid4()
    stored = _store(f"{STORAGE_PREFIX}/{network.pk}/{key.hex}", processed)
    try:
        with transaction.atomic():
            return Image.objects.create(
                network=network,
                key=key,
                alt_text=alt_text[:300],
                width=processed.width,
                height=processed.height,
                format=processed.format,
                renditions=stored,
                uploaded_by=uploaded_by,
            )
    except BaseException:
        _delete_files(entry["name"] for entry in stored)
        raise


def delete_image(*, image: Image) -> None:
    """Delete the image's row; its files go once the transaction commits."""
    image.delete()  # the post_delete handler below removes the files on commit


def remove_files_after_delete(sender: type[Image], instance: Image, **kwargs: Any) -> None:
    """Files of a deleted row (directly or by cascade) are removed once the deletion commits."""
    names = list(instance.file_names)
    transaction.on_commit(lambda: _delete_files(names))


def sweep_orphan_files(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[str]:
    """Delete stored image files that no row refers to (left by a rolled-back transaction)."""
    # save_image writes the files before the row; if an enclosing transaction then rolls back,
    # the row is gone but the files stay. Files younger than ``older_than`` may belong to an
    # upload that is still in flight, so they are left alone.
    if not default_storage.exists(STORAGE_PREFIX):
        return []
    known = {
        entry["name"]
        for renditions in Image.objects.values_list("renditions", flat=True)
        for entry in renditions
    }
    cutoff = timezone.now() - older_than
    removed = []
    network_dirs, _files = default_storage.listdir(STORAGE_PREFIX)
    for network_dir in network_dirs:
        key_dirs, _files = default_storage.listdir(f"{STORAGE_PREFIX}/{network_dir}")
        for key_dir in key_dirs:
            folder = f"{STORAGE_PREFIX}/{network_dir}/{key_dir}"
            _dirs, files = default_storage.listdir(folder)
            for filename in files:
                name = f"{folder}/{filename}"
                if name in known or default_storage.get_modified_time(name) > cutoff:
                    continue
                removed.append(name)
    if not dry_run:
        _delete_files(removed)
    return removed


# --- Forms ---------------------------------------------------------------------------------


class ImageUploadField(forms.FileField):
    """A file field that accepts only a sound image and cleans to a ``ProcessedImage``."""

    widget = forms.ClearableFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Image"))
        kwargs.setdefault(
            "help_text",
            _(
                "JPEG, PNG, WebP or GIF. The picture is resized and its hidden details "
                "(position, camera) are removed."
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT_ATTRIBUTE)

    def clean(self, data: Any, initial: Any = None) -> ProcessedImage | None:
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return process_image(upload)


class ImageFormMixin(forms.Form):
    """An image and its required alternative text, for any app's form.

    ``class ItemForm(ImageFormMixin, forms.ModelForm): image_required = True``; the view passes
    ``request.FILES``; the service gets ``form.cleaned_data["image"]`` (a ``ProcessedImage`` or
    None) and ``form.cleaned_data["image_alt"]`` and calls ``save_image``.
    """

    image_required = False

    image = ImageUploadField(required=False)
    image_alt = forms.CharField(
        label=_("Image description (alternative text)"),
        max_length=300,
        required=False,
        help_text=_("What the picture shows, in a sentence, for those who cannot see it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].required = self.image_required
        self.fields["image"].error_messages["required"] = _("Choose an image to upload.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("image") is not None and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", ValidationError(MESSAGES["alt_required"], "alt_required"))
        return cleaned
