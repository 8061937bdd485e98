/*
 * gmime_load.h - GMime (with the GIO and GLib functions the library calls)
 * reached through pointers, its libraries opened on first need.
 *
 * Loading GMime with the process cost every run about 4.6M instructions and
 * 150 page faults (fifteen libraries: GMime, GIO, GObject, GLib, gpgme,
 * libmount and what they need; their relocations are bound at load), a
 * quarter of the start-up of `bouncewhy explain` or of a run on empty
 * input, which never read a MIME message.  The sources that call GMime include this header
 * instead of GMime's: every function below is then a member of
 * bw_gmime__fn, filled by bw_gmime__load() with dlsym().  A function used
 * and not listed here is caught when the shared library is linked (GMime
 * is not linked: an undefined symbol).
 */
#ifndef BW_GMIME_LOAD_H
#define BW_GMIME_LOAD_H

#include <gmime/gmime.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

/* X(name) for each function called (keep the list and the #defines below
 * in step) */
#define BW_GMIME_FUNCTIONS(X) \
	X(g_buffered_input_stream_fill) \
	X(g_buffered_input_stream_get_type) \
	X(g_buffered_input_stream_new_sized) \
	X(g_buffered_input_stream_peek_buffer) \
	X(g_byte_array_append) \
	X(g_byte_array_sized_new) \
	X(g_clear_error) \
	X(g_converter_get_type) \
	X(g_converter_input_stream_new) \
	X(g_free) \
	X(g_input_stream_read) \
	X(g_mime_charset_iconv_name) \
	X(g_mime_content_type_get_media_subtype) \
	X(g_mime_content_type_get_media_type) \
	X(g_mime_content_type_get_mime_type) \
	X(g_mime_content_type_get_parameter) \
	X(g_mime_content_type_is_type) \
	X(g_mime_data_wrapper_get_stream) \
	X(g_mime_data_wrapper_write_to_stream) \
	X(g_mime_encoding_flush) \
	X(g_mime_encoding_init_decode) \
	X(g_mime_encoding_outlen) \
	X(g_mime_encoding_step) \
	X(g_mime_filter_charset_new) \
	X(g_mime_header_get_name) \
	X(g_mime_header_get_raw_value) \
	X(g_mime_header_list_get_count) \
	X(g_mime_header_list_get_header_at) \
	X(g_mime_init) \
	X(g_mime_message_get_mime_part) \
	X(g_mime_message_get_type) \
	X(g_mime_message_part_get_message) \
	X(g_mime_message_part_get_type) \
	X(g_mime_message_part_new_with_message) \
	X(g_mime_multipart_get_boundary) \
	X(g_mime_multipart_get_count) \
	X(g_mime_multipart_get_part) \
	X(g_mime_multipart_get_prologue) \
	X(g_mime_multipart_get_type) \
	X(g_mime_multipart_replace) \
	X(g_mime_object_get_content_type) \
	X(g_mime_object_get_content_type_parameter) \
	X(g_mime_object_get_header) \
	X(g_mime_object_get_header_list) \
	X(g_mime_object_get_type) \
	X(g_mime_parser_construct_message) \
	X(g_mime_parser_construct_part) \
	X(g_mime_parser_new_with_stream) \
	X(g_mime_parser_options_free) \
	X(g_mime_parser_options_new) \
	X(g_mime_parser_options_set_address_compliance_mode) \
	X(g_mime_parser_options_set_parameter_compliance_mode) \
	X(g_mime_parser_options_set_rfc2047_compliance_mode) \
	X(g_mime_parser_options_set_warning_callback) \
	X(g_mime_part_get_content) \
	X(g_mime_part_get_filename) \
	X(g_mime_part_get_type) \
	X(g_mime_stream_filter_add) \
	X(g_mime_stream_filter_get_type) \
	X(g_mime_stream_filter_new) \
	X(g_mime_stream_flush) \
	X(g_mime_stream_length) \
	X(g_mime_stream_mem_get_byte_array) \
	X(g_mime_stream_mem_get_type) \
	X(g_mime_stream_mem_new) \
	X(g_mime_stream_mem_new_with_buffer) \
	X(g_mime_stream_mem_new_with_byte_array) \
	X(g_mime_stream_reset) \
	X(g_mime_stream_write) \
	X(g_mime_text_part_get_text) \
	X(g_mime_text_part_get_type) \
	X(g_mime_utils_header_decode_text) \
	X(g_mime_utils_header_unfold) \
	X(g_object_unref) \
	X(g_strcmp0) \
	X(g_strdup) \
	X(g_strdup_printf) \
	X(g_strndup) \
	X(g_type_check_instance_cast) \
	X(g_type_check_instance_is_a) \
	X(g_unix_input_stream_new) \
	X(g_zlib_decompressor_new)

#define BW_GMIME_MEMBER(name) __typeof__(name) *name;
struct bw_gmime_fns {
	BW_GMIME_FUNCTIONS(BW_GMIME_MEMBER)
};
#undef BW_GMIME_MEMBER

extern struct bw_gmime_fns bw_gmime__fn;

/* Opens GMime's library and finds every function above, once per process
 * (threads wait for the first).  BW_OK, or BW_ERROR with the error set
 * when the library or one of its functions cannot be found; g_mime_init()
 * is the caller's. */
int bw_gmime__load(void);

#ifndef BW_GMIME_LOAD_SELF
#define g_buffered_input_stream_fill (bw_gmime__fn.g_buffered_input_stream_fill)
#define g_buffered_input_stream_get_type (bw_gmime__fn.g_buffered_input_stream_get_type)
#define g_buffered_input_stream_new_sized (bw_gmime__fn.g_buffered_input_stream_new_sized)
#define g_buffered_input_stream_peek_buffer (bw_gmime__fn.g_buffered_input_stream_peek_buffer)
#define g_byte_array_append (bw_gmime__fn.g_byte_array_append)
#define g_byte_array_sized_new (bw_gmime__fn.g_byte_array_sized_new)
#define g_clear_error (bw_gmime__fn.g_clear_error)
#define g_converter_get_type (bw_gmime__fn.g_converter_get_type)
#define g_converter_input_stream_new (bw_gmime__fn.g_converter_input_stream_new)
#define g_free (bw_gmime__fn.g_free)
#define g_input_stream_read (bw_gmime__fn.g_input_stream_read)
#define g_mime_charset_iconv_name (bw_gmime__fn.g_mime_charset_iconv_name)
#define g_mime_content_type_get_media_subtype (bw_gmime__fn.g_mime_content_type_get_media_subtype)
#define g_mime_content_type_get_media_type (bw_gmime__fn.g_mime_content_type_get_media_type)
#define g_mime_content_type_get_mime_type (bw_gmime__fn.g_mime_content_type_get_mime_type)
#define g_mime_content_type_get_parameter (bw_gmime__fn.g_mime_content_type_get_parameter)
#define g_mime_content_type_is_type (bw_gmime__fn.g_mime_content_type_is_type)
#define g_mime_data_wrapper_get_stream (bw_gmime__fn.g_mime_data_wrapper_get_stream)
#define g_mime_data_wrapper_write_to_stream (bw_gmime__fn.g_mime_data_wrapper_write_to_stream)
#define g_mime_encoding_flush (bw_gmime__fn.g_mime_encoding_flush)
#define g_mime_encoding_init_decode (bw_gmime__fn.g_mime_encoding_init_decode)
#define g_mime_encoding_outlen (bw_gmime__fn.g_mime_encoding_outlen)
#define g_mime_encoding_step (bw_gmime__fn.g_mime_encoding_step)
#define g_mime_filter_charset_new (bw_gmime__fn.g_mime_filter_charset_new)
#define g_mime_header_get_name (bw_gmime__fn.g_mime_header_get_name)
#define g_mime_header_get_raw_value (bw_gmime__fn.g_mime_header_get_raw_value)
#define g_mime_header_list_get_count (bw_gmime__fn.g_mime_header_list_get_count)
#define g_mime_header_list_get_header_at (bw_gmime__fn.g_mime_header_list_get_header_at)
#define g_mime_init (bw_gmime__fn.g_mime_init)
#define g_mime_message_get_mime_part (bw_gmime__fn.g_mime_message_get_mime_part)
#define g_mime_message_get_type (bw_gmime__fn.g_mime_message_get_type)
#define g_mime_message_part_get_message (bw_gmime__fn.g_mime_message_part_get_message)
#define g_mime_message_part_get_type (bw_gmime__fn.g_mime_message_part_get_type)
#define g_mime_message_part_new_with_message (bw_gmime__fn.g_mime_message_part_new_with_message)
#define g_mime_multipart_get_boundary (bw_gmime__fn.g_mime_multipart_get_boundary)
#define g_mime_multipart_get_count (bw_gmime__fn.g_mime_multipart_get_count)
#define g_mime_multipart_get_part (bw_gmime__fn.g_mime_multipart_get_part)
#define g_mime_multipart_get_prologue (bw_gmime__fn.g_mime_multipart_get_prologue)
#define g_mime_multipart_get_type (bw_gmime__fn.g_mime_multipart_get_type)
#define g_mime_multipart_replace (bw_gmime__fn.g_mime_multipart_replace)
#define g_mime_object_get_content_type (bw_gmime__fn.g_mime_object_get_content_type)
#define g_mime_object_get_content_type_parameter (bw_gmime__fn.g_mime_object_get_content_type_parameter)
#define g_mime_object_get_header (bw_gmime__fn.g_mime_object_get_header)
#define g_mime_object_get_header_list (bw_gmime__fn.g_mime_object_get_header_list)
#define g_mime_object_get_type (bw_gmime__fn.g_mime_object_get_type)
#define g_mime_parser_construct_message (bw_gmime__fn.g_mime_parser_construct_message)
#define g_mime_parser_construct_part (bw_gmime__fn.g_mime_parser_construct_part)
#define g_mime_parser_new_with_stream (bw_gmime__fn.g_mime_parser_new_with_stream)
#define g_mime_parser_options_free (bw_gmime__fn.g_mime_parser_options_free)
#define g_mime_parser_options_new (bw_gmime__fn.g_mime_parser_options_new)
#define g_mime_parser_options_set_address_compliance_mode (bw_gmime__fn.g_mime_parser_options_set_address_compliance_mode)
#define g_mime_parser_options_set_parameter_compliance_mode (bw_gmime__fn.g_mime_parser_options_set_parameter_compliance_mode)
#define g_mime_parser_options_set_rfc2047_compliance_mode (bw_gmime__fn.g_mime_parser_options_set_rfc2047_compliance_mode)
#define g_mime_parser_options_set_warning_callback (bw_gmime__fn.g_mime_parser_options_set_warning_callback)
#define g_mime_part_get_content (bw_gmime__fn.g_mime_part_get_content)
#define g_mime_part_get_filename (bw_gmime__fn.g_mime_part_get_filename)
#define g_mime_part_get_type (bw_gmime__fn.g_mime_part_get_type)
#define g_mime_stream_filter_add (bw_gmime__fn.g_mime_stream_filter_add)
#define g_mime_stream_filter_get_type (bw_gmime__fn.g_mime_stream_filter_get_type)
#define g_mime_stream_filter_new (bw_gmime__fn.g_mime_stream_filter_new)
#define g_mime_stream_flush (bw_gmime__fn.g_mime_stream_flush)
#define g_mime_stream_length (bw_gmime__fn.g_mime_stream_length)
#define g_mime_stream_mem_get_byte_array (bw_gmime__fn.g_mime_stream_mem_get_byte_array)
#define g_mime_stream_mem_get_type (bw_gmime__fn.g_mime_stream_mem_get_type)
#define g_mime_stream_mem_new (bw_gmime__fn.g_mime_stream_mem_new)
#define g_mime_stream_mem_new_with_buffer (bw_gmime__fn.g_mime_stream_mem_new_with_buffer)
#define g_mime_stream_mem_new_with_byte_array (bw_gmime__fn.g_mime_stream_mem_new_with_byte_array)
#define g_mime_stream_reset (bw_gmime__fn.g_mime_stream_reset)
#define g_mime_stream_write (bw_gmime__fn.g_mime_stream_write)
#define g_mime_text_part_get_text (bw_gmime__fn.g_mime_text_part_get_text)
#define g_mime_text_part_get_type (bw_gmime__fn.g_mime_text_part_get_type)
#define g_mime_utils_header_decode_text (bw_gmime__fn.g_mime_utils_header_decode_text)
#define g_mime_utils_header_unfold (bw_gmime__fn.g_mime_utils_header_unfold)
#define g_object_unref (bw_gmime__fn.g_object_unref)
#define g_strcmp0 (bw_gmime__fn.g_strcmp0)
#define g_strdup (bw_gmime__fn.g_strdup)
#define g_strdup_printf (bw_gmime__fn.g_strdup_printf)
#define g_strndup (bw_gmime__fn.g_strndup)
#define g_type_check_instance_cast (bw_gmime__fn.g_type_check_instance_cast)
#define g_type_check_instance_is_a (bw_gmime__fn.g_type_check_instance_is_a)
#define g_unix_input_stream_new (bw_gmime__fn.g_unix_input_stream_new)
#define g_zlib_decompressor_new (bw_gmime__fn.g_zlib_decompressor_new)
#endif

#endif
