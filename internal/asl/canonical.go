package asl

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"slices"
)

// valueSet holds JSON values by hash so that membership costs O(size of the value)
// instead of a comparison against every member. Values that jsonEqual considers equal
// always hash alike: numbers hash by their float64 value (as jsonEqual compares them)
// and objects by their sorted keys. Members in one bucket are told apart by jsonEqual,
// so the set means exactly what a pairwise jsonEqual scan means.
type valueSet struct {
	seed    maphash.Seed
	strings map[string]struct{} // strings, the common case, need no bucket
	buckets map[uint64][]any
}

func newValueSet(capacity int) *valueSet {
	return &valueSet{seed: maphash.MakeSeed(), strings: make(map[string]struct{}, capacity), buckets: map[uint64][]any{}}
}

// add inserts v and reports whether it was not a member yet.
func (s *valueSet) add(v any) bool {
	if str, ok := v.(string); ok {
		if _, dup := s.strings[str]; dup {
			return false
		}
		s.strings[str] = struct{}{}
		return true
	}
	k := s.hash(v)
	for _, m := range s.buckets[k] {
		if jsonEqual(m, v) {
			return false
		}
	}
	s.buckets[k] = append(s.buckets[k], v)
	return true
}

func (s *valueSet) hash(v any) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	writeCanonical(&h, v)
	return h.Sum64()
}

// writeCanonical writes a type-tagged, length-prefixed encoding of a JSON value: equal
// values (in jsonEqual's sense) write the same bytes.
func writeCanonical(h *maphash.Hash, v any) {
	var buf [9]byte
	putLen := func(tag byte, n int) {
		buf[0] = tag
		binary.LittleEndian.PutUint64(buf[1:], uint64(n))
		h.Write(buf[:])
	}
	switch t := v.(type) {
	case nil:
		h.WriteByte('n')
	case bool:
		if t {
			h.WriteByte('t')
		} else {
			h.WriteByte('f')
		}
	case string:
		putLen('s', len(t))
		h.WriteString(t)
	case int64, float64:
		f, _ := asFloat(t)
		if f == 0 {
			f = 0 // -0 == 0
		}
		putLen('#', int(math.Float64bits(f)))
	case []any:
		putLen('[', len(t))
		for _, e := range t {
			writeCanonical(h, e)
		}
	case map[string]any:
		putLen('{', len(t))
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			putLen('k', len(k))
			h.WriteString(k)
			writeCanonical(h, t[k])
		}
	default:
		h.WriteByte('?')
	}
}
