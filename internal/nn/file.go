package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/geosoc/geosoc/internal/fileio"
)

const (
	magic = "GEOSOCNN"
	// FormatVersion is the version of the file format written by Encode.
	FormatVersion = 1
	// MaxHeader bounds the JSON header length.
	MaxHeader  = 1 << 20
	formatName = "geosoc-nn"
)

// Errors wrapped by Decode and Load.
var (
	ErrFormat   = errors.New("nn: not a valid model file")
	ErrVersion  = errors.New("nn: unsupported model file version")
	ErrChecksum = errors.New("nn: model file checksum mismatch (corrupt file)")
)

// File is the content of a model or checkpoint file.
type File struct {
	// Kind is "model" or "checkpoint".
	Kind     string
	Arch     Arch
	Target   string
	Training map[string]any
	Params   []float64

	// Checkpoints only.
	Step int    // training steps taken
	Adam *Adam  // optimiser settings and state (M, V, T)
	RNG  []byte // binary state of the PCG generator (rand.PCG.MarshalBinary)
}

type section struct {
	Name string `json:"name"`
	Len  int    `json:"len"`
}

type header struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	Kind      string         `json:"kind"`
	Arch      Arch           `json:"arch"`
	NumParams int            `json:"num_params"`
	Target    string         `json:"target,omitempty"`
	Training  map[string]any `json:"training,omitempty"`
	Step      int            `json:"step,omitempty"`
	Adam      *Adam          `json:"adam,omitempty"`
	RNG       []byte         `json:"rng,omitempty"`
	Sections  []section      `json:"sections"`
}

// NewModelFile returns the model file of m's current parameters.
func NewModelFile(m *MLP, target string, training map[string]any) *File {
	return &File{Kind: "model", Arch: m.Arch, Target: target, Training: training,
		Params: append([]float64(nil), m.Params()...)}
}

// NewCheckpoint returns a checkpoint of m, the optimiser, the step counter
// and the random generator pcg.
func NewCheckpoint(m *MLP, adam *Adam, step int, pcg *rand.PCG, target string, training map[string]any) (*File, error) {
	st, err := pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	a := Adam{Beta1: adam.Beta1, Beta2: adam.Beta2, Eps: adam.Eps, WeightDecay: adam.WeightDecay, T: adam.T,
		M: append([]float64(nil), adam.M...), V: append([]float64(nil), adam.V...)}
	f := NewModelFile(m, target, training)
	f.Kind, f.Step, f.Adam, f.RNG = "checkpoint", step, &a, st
	return f, nil
}

// Build returns a network with f's architecture and parameters.
func (f *File) Build(e *Exec) (*MLP, error) {
	m, err := NewMLP(f.Arch, e)
	if err != nil {
		return nil, err
	}
	if len(f.Params) != len(m.Params()) {
		return nil, fmt.Errorf("%w: %d parameters for an architecture with %d", ErrFormat, len(f.Params), len(m.Params()))
	}
	copy(m.Params(), f.Params)
	return m, nil
}

// PCG returns the random generator saved in a checkpoint.
func (f *File) PCG() (*rand.PCG, error) {
	p := new(rand.PCG)
	if err := p.UnmarshalBinary(f.RNG); err != nil {
		return nil, fmt.Errorf("%w: random generator state: %v", ErrFormat, err)
	}
	return p, nil
}

// Encode writes f to w in the format described above.
func Encode(w io.Writer, f *File) error {
	if err := f.validate(); err != nil {
		return err
	}
	h := header{Format: formatName, Version: FormatVersion, Kind: f.Kind, Arch: f.Arch,
		NumParams: len(f.Params), Target: f.Target, Training: f.Training,
		Sections: []section{{"params", len(f.Params)}}}
	data := [][]float64{f.Params}
	if f.Kind == "checkpoint" {
		h.Step, h.Adam, h.RNG = f.Step, f.Adam, f.RNG
		h.Sections = append(h.Sections, section{"adam_m", len(f.Adam.M)}, section{"adam_v", len(f.Adam.V)})
		data = append(data, f.Adam.M, f.Adam.V)
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("nn: encoding model header: %w", err)
	}
	if len(hj) > MaxHeader {
		return fmt.Errorf("nn: model header of %d bytes exceeds %d", len(hj), MaxHeader)
	}
	crc := crc32.NewIEEE()
	mw := io.MultiWriter(w, crc)
	var buf [8]byte
	if _, err := io.WriteString(mw, magic); err != nil {
		return err
	}
	binary.LittleEndian.PutUint32(buf[:4], uint32(len(hj)))
	if _, err := mw.Write(buf[:4]); err != nil {
		return err
	}
	if _, err := mw.Write(hj); err != nil {
		return err
	}
	chunk := make([]float64, 0, 4096)
	raw := make([]byte, 8*cap(chunk))
	for _, d := range data {
		for len(d) > 0 {
			chunk = d[:min(len(d), cap(chunk))]
			d = d[len(chunk):]
			for i, v := range chunk {
				binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(v))
			}
			if _, err := mw.Write(raw[:8*len(chunk)]); err != nil {
				return err
			}
		}
	}
	binary.LittleEndian.PutUint32(buf[:4], crc.Sum32())
	_, err = w.Write(buf[:4])
	return err
}

// Save writes f to path atomically: into a temporary file in the same
// folder, renamed over path only once it is complete.
func Save(path string, f *File) error {
	return fileio.WriteAtomic(path, func(w io.Writer) error { return Encode(w, f) })
}

// Load reads and validates the model or checkpoint file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Decode parses and validates a model or checkpoint file. It returns an
// error wrapping ErrFormat, ErrVersion, ErrChecksum or ErrArch for any
// malformed input and never panics.
func Decode(data []byte) (*File, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
	if len(data) < len(magic)+8 || string(data[:len(magic)]) != magic {
		return nil, bad("missing %q signature", magic)
	}
	hlen := int(binary.LittleEndian.Uint32(data[len(magic):]))
	if hlen > MaxHeader {
		return nil, bad("header length %d exceeds %d", hlen, MaxHeader)
	}
	start := len(magic) + 4
	if len(data) < start+hlen+4 {
		return nil, bad("truncated header: file has %d bytes, header needs %d", len(data), start+hlen+4)
	}
	body := data[:len(data)-4]
	if got, want := crc32.ChecksumIEEE(body), binary.LittleEndian.Uint32(data[len(data)-4:]); got != want {
		return nil, fmt.Errorf("%w: stored %08x, computed %08x (truncated or damaged)", ErrChecksum, want, got)
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(data[start : start+hlen]))
	if err := dec.Decode(&h); err != nil {
		return nil, bad("header: %v", err)
	}
	if h.Format != formatName {
		return nil, bad("format %q, want %q", h.Format, formatName)
	}
	if h.Version != FormatVersion {
		return nil, fmt.Errorf("%w: version %d (this build reads version %d)", ErrVersion, h.Version, FormatVersion)
	}
	if err := h.Arch.Validate(); err != nil {
		return nil, err
	}
	if want := h.Arch.NumParams(); h.NumParams != want {
		return nil, bad("parameter count %d, architecture has %d", h.NumParams, want)
	}
	var names []string
	switch h.Kind {
	case "model":
		names = []string{"params"}
	case "checkpoint":
		names = []string{"params", "adam_m", "adam_v"}
	default:
		return nil, bad("kind %q (want model or checkpoint)", h.Kind)
	}
	if len(h.Sections) != len(names) {
		return nil, bad("%d data sections, a %s has %d", len(h.Sections), h.Kind, len(names))
	}
	for i, s := range h.Sections {
		if s.Name != names[i] || s.Len != h.NumParams {
			return nil, bad("section %d is %q of length %d, want %q of length %d", i, s.Name, s.Len, names[i], h.NumParams)
		}
	}
	payload := body[start+hlen:]
	if want := 8 * h.NumParams * len(names); len(payload) != want {
		return nil, bad("data has %d bytes, header describes %d", len(payload), want)
	}
	vals := make([]float64, h.NumParams*len(names))
	for i := range vals {
		vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(payload[8*i:]))
	}
	n := h.NumParams
	f := &File{Kind: h.Kind, Arch: h.Arch, Target: h.Target, Training: h.Training, Params: vals[:n:n]}
	if h.Kind == "checkpoint" {
		if h.Adam == nil {
			return nil, bad("checkpoint without optimiser state")
		}
		f.Step, f.Adam, f.RNG = h.Step, h.Adam, h.RNG
		f.Adam.M, f.Adam.V = vals[n:2*n:2*n], vals[2*n:]
		if _, err := f.PCG(); err != nil {
			return nil, err
		}
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// validate checks the invariants shared by Encode and Decode.
func (f *File) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
	if err := f.Arch.Validate(); err != nil {
		return err
	}
	n := f.Arch.NumParams()
	if len(f.Params) != n {
		return bad("%d parameters, architecture has %d", len(f.Params), n)
	}
	if i := firstNonFinite(f.Params); i >= 0 {
		return bad("parameter %d is %v", i, f.Params[i])
	}
	switch f.Kind {
	case "model":
	case "checkpoint":
		a := f.Adam
		if a == nil {
			return bad("checkpoint without optimiser state")
		}
		if len(a.M) != n || len(a.V) != n {
			return bad("optimiser state of length %d/%d for %d parameters", len(a.M), len(a.V), n)
		}
		if !(a.Beta1 >= 0 && a.Beta1 < 1 && a.Beta2 >= 0 && a.Beta2 < 1 && a.Eps > 0 && a.WeightDecay >= 0) || math.IsInf(a.Eps, 0) || math.IsInf(a.WeightDecay, 0) {
			return bad("optimiser settings β₁=%v β₂=%v ε=%v λ=%v", a.Beta1, a.Beta2, a.Eps, a.WeightDecay)
		}
		if a.T < 0 || f.Step < 0 {
			return bad("negative step counter")
		}
		if i := firstNonFinite(a.M); i >= 0 {
			return bad("optimiser first moment %d is %v", i, a.M[i])
		}
		for i, v := range a.V {
			if !(v >= 0) || math.IsInf(v, 0) {
				return bad("optimiser second moment %d is %v", i, v)
			}
		}
		if len(f.RNG) == 0 {
			return bad("checkpoint without random generator state")
		}
	default:
		return bad("kind %q (want model or checkpoint)", f.Kind)
	}
	return nil
}

func firstNonFinite(s []float64) int {
	for i, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}
