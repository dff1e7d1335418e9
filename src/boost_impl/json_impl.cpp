// Compiles Boost.JSON once; everything else includes only its headers.
#include <boost/json/src.hpp>
