//! CCD import (next).
