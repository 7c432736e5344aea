# --verify while other burns run: libburn reports a write done before its write thread has
# freed the buffer a read-back then uses (common/burn/drive.c, wait_write_workers); under load
# that was "read-back failed at byte N" or a SIGSEGV in burn_read_data, about 1 run in 30 under
# AddressSanitizer.  Three loops of writes with --verify, from a file and from a pipe with
# --size, run at once; every one must pass.
. "$E2E_DIR/lib.sh"
need cmp

head -c 3000000 /dev/urandom >data.bin
mkdir -p tree
head -c 1500000 /dev/urandom >tree/big.bin
export SOURCE_DATE_EPOCH=1700000000
"$MKIMAGE" -quiet -o image.iso tree
blocks=$(($(stat -c %s image.iso) / 2048))

loop() {
	for i in 1 2 3 4 5 6 7 8; do
		rm -f "f$1.out" "p$1.out"
		"$IMGBURN" -q --dev "stdio:$PWD/f$1.out" --verify data.bin 2>"f$1.err" ||
			{ echo "loop $1 run $i, file: $(cat "f$1.err")"; return 1; }
		"$MKIMAGE" -quiet -o - tree | "$IMGBURN" -q --dev "stdio:$PWD/p$1.out" \
			--size "${blocks}s" --verify - 2>"p$1.err" ||
			{ echo "loop $1 run $i, pipe: $(cat "p$1.err")"; return 1; }
		cmp -s data.bin "f$1.out" || { echo "loop $1 run $i: file target differs"; return 1; }
		cmp -s image.iso "p$1.out" || { echo "loop $1 run $i: pipe target differs"; return 1; }
	done
}
loop 1 >loop1.log 2>&1 &
loop 2 >loop2.log 2>&1 &
loop 3 >loop3.log 2>&1 &
failed=0
for j in 1 2 3; do wait -n || failed=1; done
cat loop1.log loop2.log loop3.log
[ $failed = 0 ] || fail "a verify failed while others ran"
