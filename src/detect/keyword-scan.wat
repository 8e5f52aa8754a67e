;; The keyword automaton's pass over a file's bytes (src/detect/keyword-scan.ts): the same tables
;; as the JavaScript pass in prefilter.ts. Assembled into keyword-scan-module.ts by
;; scripts/build-wasm.mjs.
;;
;; Memory: a class table at 0 (256 bytes: each byte's character class, times 4), then at 256 the
;; transition table, one i32 per cell: the byte offset of the next state's row from 256 (so the
;; next cell is one add and one load away), bitwise-negated when that state emits keywords. The
;; caller places the output areas and the text after it. Each emitting step writes two i32s: the
;; offset just past the character, and the emitting state's row offset. An output area must have
;; room for one pair per byte read into it.
;;
;; A step costs one dependent load: walking one text is bound by that chain's latency. The
;; three-stream pass walks three stretches of a text side by side, so the processor overlaps
;; three chains.
(module
  (memory (export "memory") 1)
  ;; Where each stream stopped: its state's row offset, the end of what it wrote, and (UTF-8)
  ;; its count of UTF-16 units.
  (global $row0 (export "row0") (mut i32) (i32.const 0))
  (global $row1 (export "row1") (mut i32) (i32.const 0))
  (global $row2 (export "row2") (mut i32) (i32.const 0))
  (global $out0 (export "out0") (mut i32) (i32.const 0))
  (global $out1 (export "out1") (mut i32) (i32.const 0))
  (global $out2 (export "out2") (mut i32) (i32.const 0))
  (global $units (export "units") (mut i32) (i32.const 0))
  ;; Where a run that reaches the end of the bytes given to findRuns starts, or -1.
  (global $tail (export "tail") (mut i32) (i32.const 0))

  ;; One stream over [$at, $end) from state $row, writing at $o. Offsets are `address - $start`:
  ;; for ASCII text, string offsets.
  (func (export "scanBytes")
    (param $start i32) (param $at i32) (param $end i32) (param $o i32) (param $row i32)
    (local $cell i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $cell
          (i32.load offset=256
            (i32.add (local.get $row) (i32.load8_u (i32.load8_u (local.get $at))))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $row (local.get $cell))
        (if (i32.lt_s (local.get $cell) (i32.const 0))
          (then
            (local.set $row (i32.xor (local.get $cell) (i32.const -1)))
            (i32.store (local.get $o) (i32.sub (local.get $at) (local.get $start)))
            (i32.store offset=4 (local.get $o) (local.get $row))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (br $next)))
    (global.set $row0 (local.get $row))
    (global.set $out0 (local.get $o)))

  ;; Three streams for $steps bytes each, from $p0, $p1 and $p2, in states $r0, $r1 and $r2.
  (func (export "scanBytes3")
    (param $start i32) (param $steps i32)
    (param $p0 i32) (param $o0 i32) (param $r0 i32)
    (param $p1 i32) (param $o1 i32) (param $r1 i32)
    (param $p2 i32) (param $o2 i32) (param $r2 i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $end i32)
    (local.set $end (i32.add (local.get $p0) (local.get $steps)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p0) (local.get $end)))
        (local.set $c0
          (i32.load offset=256
            (i32.add (local.get $r0) (i32.load8_u (i32.load8_u (local.get $p0))))))
        (local.set $c1
          (i32.load offset=256
            (i32.add (local.get $r1) (i32.load8_u (i32.load8_u (local.get $p1))))))
        (local.set $c2
          (i32.load offset=256
            (i32.add (local.get $r2) (i32.load8_u (i32.load8_u (local.get $p2))))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 1)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 1)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 1)))
        (local.set $r0 (local.get $c0))
        (local.set $r1 (local.get $c1))
        (local.set $r2 (local.get $c2))
        ;; One test for the common step, where no stream emits.
        (if (i32.lt_s (i32.or (i32.or (local.get $c0) (local.get $c1)) (local.get $c2))
                      (i32.const 0))
          (then
            (if (i32.lt_s (local.get $c0) (i32.const 0))
              (then
                (local.set $r0 (i32.xor (local.get $c0) (i32.const -1)))
                (i32.store (local.get $o0) (i32.sub (local.get $p0) (local.get $start)))
                (i32.store offset=4 (local.get $o0) (local.get $r0))
                (local.set $o0 (i32.add (local.get $o0) (i32.const 8)))))
            (if (i32.lt_s (local.get $c1) (i32.const 0))
              (then
                (local.set $r1 (i32.xor (local.get $c1) (i32.const -1)))
                (i32.store (local.get $o1) (i32.sub (local.get $p1) (local.get $start)))
                (i32.store offset=4 (local.get $o1) (local.get $r1))
                (local.set $o1 (i32.add (local.get $o1) (i32.const 8)))))
            (if (i32.lt_s (local.get $c2) (i32.const 0))
              (then
                (local.set $r2 (i32.xor (local.get $c2) (i32.const -1)))
                (i32.store (local.get $o2) (i32.sub (local.get $p2) (local.get $start)))
                (i32.store offset=4 (local.get $o2) (local.get $r2))
                (local.set $o2 (i32.add (local.get $o2) (i32.const 8)))))))
        (br $next)))
    (global.set $row0 (local.get $r0))
    (global.set $row1 (local.get $r1))
    (global.set $row2 (local.get $r2))
    (global.set $out0 (local.get $o0))
    (global.set $out1 (local.get $o1))
    (global.set $out2 (local.get $o2)))

  ;; One stream over valid UTF-8, its offsets counted in UTF-16 units as the decoded string counts
  ;; them: a byte that starts a character adds one unit, a four-byte character's first byte one
  ;; more (a surrogate pair), continuation bytes none. $count is the count at $at.
  (func (export "scanUtf8")
    (param $count i32) (param $at i32) (param $end i32) (param $o i32) (param $row i32)
    (local $cell i32) (local $byte i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $at)))
        (local.set $cell
          (i32.load offset=256
            (i32.add (local.get $row) (i32.load8_u (local.get $byte)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $count
          (i32.add
            (local.get $count)
            (i32.add
              (i32.ne (i32.and (local.get $byte) (i32.const 0xc0)) (i32.const 0x80))
              (i32.ge_u (local.get $byte) (i32.const 0xf0)))))
        (local.set $row (local.get $cell))
        (if (i32.lt_s (local.get $cell) (i32.const 0))
          (then
            (local.set $row (i32.xor (local.get $cell) (i32.const -1)))
            (i32.store (local.get $o) (local.get $count))
            (i32.store offset=4 (local.get $o) (local.get $row))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (br $next)))
    (global.set $row0 (local.get $row))
    (global.set $out0 (local.get $o))
    (global.set $units (local.get $count)))

  ;; The encoded runs (src/detect/run-alphabet.ts) of [$at, $end): each maximal run of at least 20
  ;; bytes of the alphabet (a 256-byte table at $alphabet, 1 for a member), as pairs of offsets
  ;; `address - $start`. $at is where the bytes start or just past a byte outside the alphabet.
  ;; Any such run covers the probe 19 bytes on, so one probe rules out twenty starts when it
  ;; lands outside the alphabet. A run that reaches $end is not written: its start goes to $tail,
  ;; for the caller to join with what follows.
  (func (export "findRuns")
    (param $start i32) (param $at i32) (param $end i32) (param $o i32) (param $alphabet i32)
    (local $probe i32) (local $first i32) (local $last i32)
    (global.set $tail (i32.const -1))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 20)) (local.get $end)))
        (local.set $probe (i32.add (local.get $at) (i32.const 19)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $alphabet) (i32.load8_u (local.get $probe)))))
          (then
            (local.set $at (i32.add (local.get $probe) (i32.const 1)))
            (br $next)))
        (local.set $first (local.get $probe))
        (block $backDone
          (loop $back
            (br_if $backDone (i32.le_u (local.get $first) (local.get $at)))
            (br_if $backDone
              (i32.eqz
                (i32.load8_u
                  (i32.add
                    (local.get $alphabet)
                    (i32.load8_u (i32.sub (local.get $first) (i32.const 1)))))))
            (local.set $first (i32.sub (local.get $first) (i32.const 1)))
            (br $back)))
        (local.set $last (i32.add (local.get $probe) (i32.const 1)))
        (block $forwardDone
          (loop $forward
            (br_if $forwardDone (i32.ge_u (local.get $last) (local.get $end)))
            (br_if $forwardDone
              (i32.eqz (i32.load8_u (i32.add (local.get $alphabet) (i32.load8_u (local.get $last))))))
            (local.set $last (i32.add (local.get $last) (i32.const 1)))
            (br $forward)))
        (if (i32.ge_u (local.get $last) (local.get $end))
          (then
            (global.set $tail (i32.sub (local.get $first) (local.get $start)))
            (br $done)))
        (if (i32.ge_u (i32.sub (local.get $last) (local.get $first)) (i32.const 20))
          (then
            (i32.store (local.get $o) (i32.sub (local.get $first) (local.get $start)))
            (i32.store offset=4 (local.get $o) (i32.sub (local.get $last) (local.get $start)))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $at (i32.add (local.get $last) (i32.const 1)))
        (br $next)))
    (global.set $out0 (local.get $o)))

  ;; The wide characters of valid UTF-8 in [$at, $end): for each first byte of a character of two
  ;; bytes or more, its offset `address - $start` and how many fewer UTF-16 units than bytes the
  ;; character has (1 for two bytes, 2 for three or four). With these the caller turns byte
  ;; offsets found by the ASCII passes into string offsets.
  (func (export "findWide") (param $start i32) (param $at i32) (param $end i32) (param $o i32)
    (local $byte i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $at)))
        (if (i32.ge_u (local.get $byte) (i32.const 0xc0))
          (then
            (i32.store (local.get $o) (i32.sub (local.get $at) (local.get $start)))
            (i32.store offset=4
              (local.get $o)
              (i32.add (i32.const 1) (i32.ge_u (local.get $byte) (i32.const 0xe0))))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $next)))
    (global.set $out0 (local.get $o))))
