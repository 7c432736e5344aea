# imgburn --audio: WAV headers are checked (44.1 kHz, 16-bit, stereo PCM) with a clear error;
# a good WAV reaches libburn, which writes audio only to CD media and refuses a stdio: file.
. "$E2E_DIR/lib.sh"

$PYTHON - <<'PY'
import os, struct, wave
def w(name, ch, width, rate, frames=44100 * 4):
    f = wave.open(name, "wb"); f.setnchannels(ch); f.setsampwidth(width); f.setframerate(rate)
    f.writeframes(os.urandom(frames * ch * width)); f.close()
w("good.wav", 2, 2, 44100)
w("mono.wav", 1, 2, 44100)
w("48k.wav", 2, 2, 48000)
w("8bit.wav", 2, 1, 44100)
w("short4s.wav", 2, 2, 44100, frames=44100 * 4 - 1)
open("notriff.wav", "wb").write(b"OggS" + os.urandom(100))
g = open("good.wav", "rb").read()
open("truncated.wav", "wb").write(g[:30])
# data chunk claims more than the file holds
open("short.wav", "wb").write(g[:40] + struct.pack("<I", 10**6) + g[44:100])
PY

expect_fail 2 'mono.wav: not usable as CD audio: 1 channels; CD audio needs 2' \
	"$IMGBURN" --dev "stdio:$PWD/o" --audio mono.wav
expect_fail 2 '48k.wav: .*48000 Hz; CD audio needs 44100 Hz' \
	"$IMGBURN" --dev "stdio:$PWD/o" --audio good.wav 48k.wav
expect_fail 2 '8bit.wav: .*8 bits per sample; CD audio needs 16' \
	"$IMGBURN" --dev "stdio:$PWD/o" --audio 8bit.wav
expect_fail 2 'short4s.wav: .*a CD track needs at least 4 seconds' \
	"$IMGBURN" --dev "stdio:$PWD/o" --audio short4s.wav
expect_fail 2 'notriff.wav: .*not a RIFF WAVE file' "$IMGBURN" --dev "stdio:$PWD/o" --audio notriff.wav
expect_fail 2 'truncated.wav: .*(no fmt chunk|runs past)' \
	"$IMGBURN" --dev "stdio:$PWD/o" --audio truncated.wav
expect_fail 2 'short.wav: .*data chunk at offset 36 claims 1000000 bytes' \
	"$IMGBURN" --dev "stdio:$PWD/o" --audio short.wav
expect_fail 2 'missing.wav' "$IMGBURN" --dev "stdio:$PWD/o" --audio missing.wav
[ ! -e o ] || fail "a refused WAV still created the target"

# libburn writes CD-DA only to CD media: on a stdio: file it refuses, and imgburn says why.
expect_fail 1 'audio track prohibited by non-CD' "$IMGBURN" --dev "stdio:$PWD/o" --audio good.wav
printf 'FILE "good.wav" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n' >s.cue
expect_fail 1 'CUE sheet|non-CD' "$IMGBURN" --dev "stdio:$PWD/o" --cue s.cue
