package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func smallModel(t testing.TB) *MLP {
	m, err := NewMLP(Arch{In: 2, Out: 2, Hidden: []int{5}, Activation: "tanh", TimeFreqs: 1, OmegaMin: 1, OmegaMax: 1}, NewExec(1))
	require.NoError(t, err)
	m.Init(rand.New(rand.NewPCG(1, 1)))
	return m
}

func encode(t testing.TB, f *File) []byte {
	var b bytes.Buffer
	require.NoError(t, Encode(&b, f))
	return b.Bytes()
}

// rawFile assembles a file from a header and data with a correct
// checksum, to test the validation behind the checksum.
func rawFile(h map[string]any, vals []float64) []byte {
	hj, _ := json.Marshal(h)
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, uint32(len(hj)))
	b.Write(hj)
	binary.Write(&b, binary.LittleEndian, vals)
	binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()))
	return b.Bytes()
}

// fixCRC returns data with its last four bytes replaced by the checksum
// of the rest.
func fixCRC(data []byte) []byte {
	if len(data) < 4 {
		return data
	}
	d := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.ChecksumIEEE(d[:len(d)-4]))
	return d
}

func TestFileRoundTrip(t *testing.T) {
	m := smallModel(t)
	training := map[string]any{"loss": "adjoint", "lr": 1e-3}
	t.Run("model", func(t *testing.T) {
		f := NewModelFile(m, "gmm2d", training)
		g, err := Decode(encode(t, f))
		require.NoError(t, err)
		assert.Equal(t, f, g)
		m2, err := g.Build(nil)
		require.NoError(t, err)
		assert.Equal(t, m.Params(), m2.Params())
	})
	t.Run("checkpoint", func(t *testing.T) {
		adam := NewAdam(len(m.Params()))
		for i := range m.Grads() {
			m.Grads()[i] = float64(i%7) - 3
		}
		adam.Step(m.Params(), m.Grads(), 0.01)
		pcg := rand.NewPCG(3, 4)
		pcg.Uint64()
		f, err := NewCheckpoint(m, adam, 1, pcg, "gmm2d", training)
		require.NoError(t, err)
		g, err := Decode(encode(t, f))
		require.NoError(t, err)
		assert.Equal(t, f, g)
		p, err := g.PCG()
		require.NoError(t, err)
		assert.Equal(t, pcg.Uint64(), p.Uint64())
	})
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.gsnn")
	m := smallModel(t)
	require.NoError(t, Save(path, NewModelFile(m, "x", nil)))
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	// A failing save (NaN parameter) must leave the old file untouched
	// and no temporary file behind.
	bad := NewModelFile(m, "x", nil)
	bad.Params[3] = math.NaN()
	require.ErrorIs(t, Save(path, bad), ErrFormat)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)
	f, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, m.Params(), f.Params)
	_, err = Load(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestDecodeErrors(t *testing.T) {
	m := smallModel(t)
	good := encode(t, NewModelFile(m, "x", nil))
	n := len(m.Params())
	hdr := func(mod func(h map[string]any)) map[string]any {
		h := map[string]any{"format": formatName, "version": 1, "kind": "model", "arch": m.Arch,
			"num_params": n, "sections": []section{{"params", n}}}
		if mod != nil {
			mod(h)
		}
		return h
	}
	params := append([]float64(nil), m.Params()...)
	nanParams := append([]float64(nil), params...)
	nanParams[2] = math.NaN()
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-20] ^= 1
	cases := []struct {
		name string
		data []byte
		err  error
	}{
		{"empty", nil, ErrFormat},
		{"magic", append([]byte("GEOSOCXX"), good[8:]...), ErrFormat},
		{"truncated", good[:len(good)-9], ErrChecksum},
		{"truncated header", good[:20], ErrFormat},
		{"bit flip", flipped, ErrChecksum},
		{"valid control", rawFile(hdr(nil), params), nil},
		{"version", rawFile(hdr(func(h map[string]any) { h["version"] = 2 }), params), ErrVersion},
		{"format", rawFile(hdr(func(h map[string]any) { h["format"] = "onnx" }), params), ErrFormat},
		{"count", rawFile(hdr(func(h map[string]any) { h["num_params"] = n + 1 }), params), ErrFormat},
		{"section length", rawFile(hdr(func(h map[string]any) { h["sections"] = []section{{"params", n - 1}} }), params[1:]), ErrFormat},
		{"short data", rawFile(hdr(nil), params[1:]), ErrFormat},
		{"NaN", rawFile(hdr(nil), nanParams), ErrFormat},
		{"arch", rawFile(hdr(func(h map[string]any) { h["arch"] = Arch{In: -1, Out: 1, Activation: "tanh"} }), params), ErrArch},
		{"kind", rawFile(hdr(func(h map[string]any) { h["kind"] = "weights" }), params), ErrFormat},
		{"checkpoint without state", rawFile(hdr(func(h map[string]any) {
			h["kind"] = "checkpoint"
			h["sections"] = []section{{"params", n}, {"adam_m", n}, {"adam_v", n}}
		}), append(append(append([]float64(nil), params...), params...), params...)), ErrFormat},
		{"json", rawFile(map[string]any{"format": []int{1}}, params), ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode(c.data)
			if c.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.err)
		})
	}
}

// FuzzDecode checks that no input makes Decode panic, with and without a
// repaired checksum (so the fuzzer reaches the header and data checks),
// and that whatever decodes re-encodes to a file that decodes equally.
func FuzzDecode(f *testing.F) {
	m := smallModel(f)
	f.Add(encode(f, NewModelFile(m, "x", map[string]any{"steps": 10})))
	adam := NewAdam(len(m.Params()))
	c, err := NewCheckpoint(m, adam, 0, rand.NewPCG(1, 2), "x", nil)
	require.NoError(f, err)
	f.Add(encode(f, c))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, fixCRC(data)} {
			file, err := Decode(d)
			if err != nil {
				continue
			}
			again, err := Decode(encode(t, file))
			require.NoError(t, err)
			require.Equal(t, file.Params, again.Params)
		}
	})
}
