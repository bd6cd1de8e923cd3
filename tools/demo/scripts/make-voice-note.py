"""The demo's voice note: about four seconds of a synthetic, speech-like voice (a gliding
fundamental with a few harmonics, shaped into syllables), written as Ogg Opus, the format
WhatsApp records voice notes in and Chromium plays.

Run it once when the file should change, then `node tools/demo/scripts/make-media.ts` (which
writes the manifest with every file's checksum):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install soundfile numpy
    /tmp/venv/bin/python tools/demo/scripts/make-voice-note.py
"""

from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 48_000  # Opus works at 48 kHz
SECONDS = 4.2
OUT = Path(__file__).resolve().parent.parent / "media" / "voice-note.ogg"


def voice() -> np.ndarray:
    t = np.arange(int(RATE * SECONDS)) / RATE
    # A pitch that rises and falls like a sentence, with a little vibrato.
    f0 = 150 + 35 * np.sin(2 * np.pi * 0.35 * t) + 4 * np.sin(2 * np.pi * 5.5 * t)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    # Harmonics falling off like a voice; two moving "formant" boosts make vowels change.
    wave = np.zeros_like(t)
    for k in range(1, 12):
        formant = 1 + 1.5 * np.exp(-(((k * f0) - (600 + 250 * np.sin(2 * np.pi * 1.3 * t))) ** 2) / 4e4)
        wave += formant * np.sin(k * phase) / k
    # Syllables: about four a second, with short pauses between words.
    syllables = np.clip(np.sin(2 * np.pi * 3.8 * t), 0, None) ** 0.6
    words = (np.sin(2 * np.pi * 0.9 * t) > -0.85).astype(float)
    fade = np.minimum(1, np.minimum(t, SECONDS - t) / 0.05)
    out = wave * syllables * words * fade
    return (0.3 * out / np.max(np.abs(out))).astype(np.float32)


def ogg_crc(page: bytes) -> int:
    """The Ogg page checksum: CRC-32, polynomial 0x04C11DB7, not reflected, initial 0."""
    crc = 0
    for byte in page:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def fixed_serial(ogg: bytes, serial: int = 0x55450001) -> bytes:
    """libsndfile picks a random stream serial; a fixed one makes every run write the same bytes."""
    out = bytearray(ogg)
    at = 0
    while at < len(out):
        assert out[at : at + 4] == b"OggS", "not an Ogg page"
        segments = out[at + 26]
        size = 27 + segments + sum(out[at + 27 : at + 27 + segments])
        out[at + 14 : at + 18] = serial.to_bytes(4, "little")
        out[at + 22 : at + 26] = b"\0\0\0\0"
        out[at + 22 : at + 26] = ogg_crc(bytes(out[at : at + size])).to_bytes(4, "little")
        at += size
    return bytes(out)


if __name__ == "__main__":
    sf.write(OUT, voice(), RATE, format="OGG", subtype="OPUS")
    OUT.write_bytes(fixed_serial(OUT.read_bytes()))
    print(f"{OUT}: {OUT.stat().st_size} bytes")
