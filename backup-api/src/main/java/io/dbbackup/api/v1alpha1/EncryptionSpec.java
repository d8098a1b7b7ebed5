package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** OpenPGP encryption: public keys (recommended) or a passphrase, not both. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.publicKeysSecretRef) != has(self.passphraseSecretRef)",
    message = "encryption: set exactly one of publicKeysSecretRef or passphraseSecretRef")
@ValidationRule(
    value = "!has(self.verifyPrivateKeySecretRef) || has(self.publicKeysSecretRef)",
    message = "encryption.verifyPrivateKeySecretRef goes with publicKeysSecretRef")
public class EncryptionSpec {
  @JsonPropertyDescription(
      "Secret whose every key is one ASCII-armored OpenPGP public key; all are recipients.")
  private SecretRef publicKeysSecretRef;

  @JsonPropertyDescription("Secret key holding a passphrase for symmetric encryption.")
  private SecretKeyRef passphraseSecretRef;

  @JsonPropertyDescription(
      "Optional, with publicKeysSecretRef: Secret key holding the unprotected ASCII-armored private"
          + " key of one recipient, so that verify decrypts and decompresses the whole backup."
          + " Without it verify checks the checksum and the OpenPGP structure only. Holding it"
          + " lets the cluster read the backups.")
  private SecretKeyRef verifyPrivateKeySecretRef;

  public SecretRef getPublicKeysSecretRef() {
    return publicKeysSecretRef;
  }

  public void setPublicKeysSecretRef(SecretRef publicKeysSecretRef) {
    this.publicKeysSecretRef = publicKeysSecretRef;
  }

  public SecretKeyRef getPassphraseSecretRef() {
    return passphraseSecretRef;
  }

  public void setPassphraseSecretRef(SecretKeyRef passphraseSecretRef) {
    this.passphraseSecretRef = passphraseSecretRef;
  }

  public SecretKeyRef getVerifyPrivateKeySecretRef() {
    return verifyPrivateKeySecretRef;
  }

  public void setVerifyPrivateKeySecretRef(SecretKeyRef verifyPrivateKeySecretRef) {
    this.verifyPrivateKeySecretRef = verifyPrivateKeySecretRef;
  }
}
