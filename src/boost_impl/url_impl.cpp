// Compiles Boost.URL once; everything else includes only its headers.
#include <boost/url/src.hpp>
